#!/usr/bin/env bash
# Set up Arena (with the learning extra) and run the main job: evaluate the scripted expert and the shipped
# arena-vla-small on its four tasks x {None, Lighting, Distractors, All} x 5 episodes (one video per cell), then
# write one report comparing them to ./arena-results (report.html, report.md, heatmaps, per-axis drops).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_env.sh learning
export MUJOCO_GL="${MUJOCO_GL:-egl}"
grid=(--tasks CloseBox,CloseLaptopLid,OpenDrawer,TurnOvenOn --axes None,Lighting,Distractors,All --episodes 5 --video 1)
.venv/bin/arena eval --policy expert "${grid[@]}" --out arena-results/expert "$@"
.venv/bin/arena eval --policy checkpoint:arena-vla-small "${grid[@]}" --out arena-results/arena-vla-small "$@"
.venv/bin/arena report arena-results/expert arena-results/arena-vla-small -o arena-results
echo "report: $(pwd)/arena-results/report.html"
