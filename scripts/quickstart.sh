#!/usr/bin/env bash
# Set up Arena and run the main job: evaluate the scripted expert on a small default grid
# (every task in tasks/ x {None, ObjectColor, Distractors, All} x 5 episodes, one video per cell) and write results + report to ./arena-results.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_env.sh
MUJOCO_GL="${MUJOCO_GL:-egl}" .venv/bin/arena eval --policy expert --axes None,ObjectColor,Distractors,All --episodes 5 --video 1 --out arena-results "$@"
