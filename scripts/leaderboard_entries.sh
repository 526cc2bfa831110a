#!/usr/bin/env bash
# Rebuild the leaderboard's first entries (leaderboard/submissions/*.zip): the scripted expert, the shipped
# arena-vla-small and the random baseline, on the declared partial track of arena-vla-small's four tasks.
# The expert and VLA results are the committed evaluation (docs/results/arena-vla-small); the random baseline's
# are evaluated here (resumable; ~5 min on 2 cores) into RANDOM_RESULTS (default: build/leaderboard-random).
# Usage: scripts/leaderboard_entries.sh [RANDOM_RESULTS]
set -euo pipefail
cd "$(dirname "$0")/.."
random_results="${1:-build/leaderboard-random}"
tasks=CloseLaptopLid,OpenDrawer,TurnOvenOn,CloseBox
out=leaderboard/submissions
arena=.venv/bin/arena

nice "$arena" eval --policy random --tasks "$tasks" --episodes 25 --workers 1 --out "$random_results" >/dev/null

"$arena" submit docs/results/arena-vla-small/expert --partial --name expert --team "Arena maintainers" \
  --architecture "scripted expert: per-task plans of generic skills over motion primitives, reading the simulator's privileged state" \
  --training-tasks none --texture-split none --perturbed-data no --compute "none (scripted)" --licence Apache-2.0 \
  -o "$out/expert.zip"
"$arena" submit docs/results/arena-vla-small --partial --name arena-vla-small --team "Arena maintainers" \
  --parameters 622087 \
  --architecture "vla: frozen EfficientNet-Lite0 (front + wrist, 128 px) and all-MiniLM-L6-v2 features into a 3-layer, 128-wide transformer predicting chunks of 10 ee_delta actions" \
  --training-tasks "$tasks" --texture-split none --perturbed-data no \
  --training-description "arena demos: 100 unperturbed scripted-expert episodes per task (400 episodes, 37,956 frames, LeRobot v3.0)" \
  --compute "8000 steps at batch 64 on 2 CPU cores (16 min training + 10 min feature encoding)" --licence Apache-2.0 \
  -o "$out/arena-vla-small.zip"
"$arena" submit "$random_results" --partial --name random --team "Arena maintainers" --parameters 0 \
  --architecture "uniformly random ee_delta actions, seeded per episode" \
  --training-tasks none --texture-split none --perturbed-data no --compute "none" --licence Apache-2.0 \
  -o "$out/random.zip"
