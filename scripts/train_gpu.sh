#!/usr/bin/env bash
# The full recipe on a machine with a CUDA GPU: 100 expert demos of each of the 20 tasks, the vla trained on the GPU,
# and its protocol-v2 evaluation (20 tasks x 16 settings x 25 episodes) with a report.
# Usage: scripts/train_gpu.sh [OUT]   (OUT defaults to runs/vla-20; STEPS, BATCH and WORKERS override the defaults)
# Every step resumes: a rerun continues the demos, skips a finished checkpoint, and resumes the evaluation.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/vla-20}"
workers="${WORKERS:-$(nproc)}"
# On Linux the registry's torch==2.13.0 wheel is the CUDA build: the same pin as the CPU machines.
scripts/setup_env.sh learning
export MUJOCO_GL="${MUJOCO_GL:-egl}"
.venv/bin/arena demos --episodes 100 --axes None --cameras front,wrist --workers "$workers" --out "$out/demos"
if [ ! -f "$out/checkpoint/model.safetensors" ]; then
  # ~95 steps/s on one H100 at batch 256 (benchmarks/learned_speed.py): 60k steps take about 11 minutes.
  .venv/bin/arena train --policy vla --data "$out/demos" --steps "${STEPS:-60000}" --batch-size "${BATCH:-256}" \
    --lr 5e-4 --device cuda --workers "$workers" --out "$out/checkpoint"
fi
.venv/bin/arena eval --policy "checkpoint:$out/checkpoint" --episodes 25 --workers "$workers" --out "$out/eval"
echo "report: $out/eval/report.html"
