#!/usr/bin/env bash
# Set up Arena with its test and Ray extras (the Ray backend is tested on a local instance), then lint and run the whole test suite (headless).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_env.sh test,ray,learning,remote,ros
.venv/bin/ruff check .
# The leaderboard: every accepted submission validates, and the site builds from them (into build/leaderboard-site).
.venv/bin/arena leaderboard validate leaderboard/submissions/*.zip
.venv/bin/arena leaderboard build leaderboard/submissions -o build/leaderboard-site
MUJOCO_GL="${MUJOCO_GL:-egl}" .venv/bin/python -m pytest -q "$@"
