#!/usr/bin/env bash
# Set up Arena with its test and Ray extras (the Ray backend is tested on a local instance), then lint and run the whole test suite (headless).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_env.sh test,ray,learning
.venv/bin/ruff check .
MUJOCO_GL="${MUJOCO_GL:-egl}" .venv/bin/python -m pytest -q "$@"
