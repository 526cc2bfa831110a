#!/usr/bin/env bash
# Set up Arena with its test extras, then lint and run the whole test suite (headless).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_env.sh test
.venv/bin/ruff check .
MUJOCO_GL="${MUJOCO_GL:-egl}" .venv/bin/python -m pytest -q "$@"
