#!/usr/bin/env bash
# RETAIN at Arena's scale (docs/results/retain-small/README.md): merge a generalist vla with a few-demo finetune of it
# and sweep alpha on the target (clean and perturbed) and on the generalist's other tasks.
#   held-out: generalist on CloseLaptopLid, TurnOvenOn, CloseBox (statistics over all four tasks); finetuned on 25
#             OpenDrawer demos at three learning rates; swept with one alpha and with vision/language held at 0.
#   mix:      the shipped arena-vla-small (all four tasks) finetuned on 25 demos of its weak tasks (TurnOvenOn, CloseBox).
# Usage: scripts/retain_experiment.sh [OUT]   (EPISODES, DEVICE override the defaults)
# Cost on this 2-core CPU: demos 19 min and frame encoding 10 min (shared with arena-vla-small's), generalist 8 min,
# each finetune 2 min, interpolation losses 1 min each, each sweep point of 10 episodes per cell (70 episodes)
# 1.5-5 min depending on load: ~2 h in all. On a GPU machine (DEVICE=cuda) training takes seconds; the sweeps are
# simulation and scale with CPU workers.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/retain-small}"
export MUJOCO_GL="${MUJOCO_GL:-egl}"
arena=.venv/bin/arena
episodes="${EPISODES:-10}"
device="${DEVICE:-cpu}"
tasks=CloseLaptopLid,OpenDrawer,TurnOvenOn,CloseBox
others=CloseLaptopLid,TurnOvenOn,CloseBox
axes=Lighting,TableColor,Distractors
$arena demos --tasks "$tasks" --axes None --episodes 100 --cameras front,wrist --out "$out/demos"
[ -f "$out/generalist/model.safetensors" ] || $arena train --policy vla --data "$out/demos" --tasks "$others" \
  --stats-tasks "$tasks" --steps 4000 --device "$device" --threads 1 --out "$out/generalist"

# held-out target: three finetuning learning rates
for run in "ft-lr3e-4 3e-4" "ft-lr1e-4 1e-4" "ft-lr3e-5 3e-5"; do
  set -- $run
  [ -f "$out/$1/model.safetensors" ] || $arena train --policy vla --data "$out/demos" --tasks OpenDrawer \
    --episodes-per-task 25 --init "$out/generalist" --steps 1000 --lr "$2" --device "$device" --threads 1 --out "$out/$1"
  .venv/bin/python scripts/interpolation_loss.py --data "$out/demos" --base "$out/generalist" --finetuned "$out/$1" \
    --target OpenDrawer --others "$others" --out "$out/interpolation_loss_heldout_${1#ft-}"
done
$arena sweep-alpha "$out/generalist" "$out/ft-lr3e-4" --alphas 0,0.25,0.5,0.75,1 --target OpenDrawer --axes "$axes" \
  --generalist-tasks "$others" --episodes "$episodes" --out "$out/sweep-heldout-lr3e-4"
$arena sweep-alpha "$out/generalist" "$out/ft-lr1e-4" --alphas 0,0.5,0.7,0.85,1 --target OpenDrawer --axes "$axes" \
  --generalist-tasks "$others" --episodes 25 --out "$out/sweep-heldout-lr1e-4"
$arena sweep-alpha "$out/generalist" "$out/ft-lr3e-5" --alphas 0,0.5,0.7,0.85,1 --target OpenDrawer --axes "$axes" \
  --generalist-tasks "$others" --episodes "$episodes" --out "$out/sweep-heldout-lr3e-5"
$arena sweep-alpha "$out/generalist" "$out/ft-lr1e-4" --alphas 0.85,1 --alpha-by-module vision=0,language=0 \
  --target OpenDrawer --axes "$axes" --generalist-tasks "$others" --episodes "$episodes" \
  --out "$out/sweep-heldout-lr1e-4-action-only"

# target inside the pretraining mix: the shipped generalist, finetuned on its weak tasks
for target in TurnOvenOn CloseBox; do
  name=$(echo "$target" | tr '[:upper:]' '[:lower:]')
  rest=$(echo "$tasks" | tr ',' '\n' | grep -vx "$target" | paste -sd, -)
  [ -f "$out/ft-mix-$name/model.safetensors" ] || $arena train --policy vla --data "$out/demos" --tasks "$target" \
    --episodes-per-task 25 --init arena-vla-small --steps 1000 --lr 1e-4 --device "$device" --threads 1 \
    --out "$out/ft-mix-$name"
  .venv/bin/python scripts/interpolation_loss.py --data "$out/demos" --base arena-vla-small \
    --finetuned "$out/ft-mix-$name" --target "$target" --others "$rest" --out "$out/interpolation_loss_mix_${name}_lr1e-4"
  $arena sweep-alpha arena-vla-small "$out/ft-mix-$name" --alphas 0,0.25,0.5,0.75,1 --target "$target" --axes "$axes" \
    --generalist-tasks "$rest" --episodes "$episodes" --out "$out/sweep-mix-$name-lr1e-4"
done
