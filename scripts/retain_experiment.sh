#!/usr/bin/env bash
# RETAIN at Arena's scale (docs/results/retain-small/): pretrain a generalist vla on three tasks, finetune it on a
# held-out target with few demos (keeping the generalist's statistics), merge at several alphas, and evaluate each on
# the target (clean and perturbed) and on the generalist's tasks.
# Usage: scripts/retain_experiment.sh [OUT]   (STEPS, FINETUNE_STEPS, DEMOS, EPISODES, DEVICE override the defaults)
# Cost on this 2-core CPU with the defaults: demos 19 min (shared with arena-vla-small's), frame encoding 10 min,
# generalist 8 min, finetune 2 min, sweep ~6 min. On a GPU machine (DEVICE=cuda) training takes well under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/retain-small}"
export MUJOCO_GL="${MUJOCO_GL:-egl}"
arena=.venv/bin/arena
tasks=CloseLaptopLid,OpenDrawer,TurnOvenOn,CloseBox
$arena demos --tasks "$tasks" --axes None --episodes 100 --cameras front,wrist --out "$out/demos"
[ -f "$out/generalist/model.safetensors" ] || $arena train --policy vla --data "$out/demos" \
  --tasks CloseLaptopLid,TurnOvenOn,CloseBox --stats-tasks "$tasks" --steps "${STEPS:-4000}" --device "${DEVICE:-cpu}" --out "$out/generalist"
[ -f "$out/finetuned/model.safetensors" ] || $arena train --policy vla --data "$out/demos" --tasks OpenDrawer \
  --episodes-per-task "${DEMOS:-25}" --init "$out/generalist" --steps "${FINETUNE_STEPS:-1000}" \
  --device "${DEVICE:-cpu}" --out "$out/finetuned"
$arena sweep-alpha "$out/generalist" "$out/finetuned" --alphas 0,0.25,0.5,0.75,1 --target OpenDrawer \
  --axes Lighting,TableColor,Distractors --generalist-tasks CloseLaptopLid,TurnOvenOn,CloseBox \
  --episodes "${EPISODES:-10}" --out "$out/sweep"
