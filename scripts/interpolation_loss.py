"""Action-prediction loss along the linear path between two vla checkpoints, on demonstration frames (no simulation).

For α in 0, 0.1, ..., 1 the merged weights (1 − α)·base + α·finetuned are scored with the training loss (masked L1
on normalised action chunks) on two frame sets: the target task's demos that the finetune did not use, and the other
tasks' demos. A loss barrier (both losses high in the middle) or a plain trade-off shows here in a minute, before any
closed-loop sweep. Used by scripts/retain_experiment.sh; writes OUT.json and OUT.png.

    python scripts/interpolation_loss.py --data DEMOS --base BASE --finetuned TUNED --target OpenDrawer \
        --others CloseLaptopLid,TurnOvenOn,CloseBox --skip 25 --out interpolation_loss
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from arena.data.lerobot import LeRobotDataset
from arena.policies.learned.checkpoint import load_network
from arena.policies.learned.config import resolve_checkpoint
from arena.policies.learned.dataset import demo_arrays, image_features, select_episodes
from arena.policies.learned.merging import merge_tensor
from arena.policies.learned.training import _instruction_embeddings

ALPHAS = [round(0.1 * i, 1) for i in range(11)]


def frames(dataset: LeRobotDataset, config: dict, tasks: list[str], first: int, last: int, limit: int = 2000):
    """Network inputs and targets of up to ``limit`` frames from episodes ``first``..``last`` (1-based) of each task."""
    counts: dict[str, int] = {}
    chosen = []
    for episode in select_episodes(dataset, tasks):
        task = episode["arena/task"]
        counts[task] = counts.get(task, 0) + 1
        if first <= counts[task] <= last:
            chosen.append(episode)
    arrays = demo_arrays(dataset, chosen, config["chunk_length"])
    norm = config["normalization"]
    state = (arrays.state - np.array(norm["state"]["mean"])) / np.array(norm["state"]["std"])
    actions = (arrays.chunks - np.array(norm["action"]["mean"])) / np.array(norm["action"]["std"])
    keep = np.random.default_rng(0).choice(len(state), min(limit, len(state)), replace=False)
    images = image_features(dataset, chosen, config["cameras"], progress=False)[keep]
    text = _instruction_embeddings(arrays.instructions)[arrays.instruction[keep]]
    return [torch.from_numpy(np.asarray(x, dtype=np.float32)) for x in (images, text, state[keep], actions[keep])] + [
        torch.from_numpy(arrays.mask[keep])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--finetuned", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--others", required=True, help="comma-separated")
    parser.add_argument("--skip", type=int, default=25, help="the finetune used each target's first SKIP demos")
    parser.add_argument("--out", required=True, help="output path without suffix")
    args = parser.parse_args()
    torch.set_num_threads(1)
    dataset = LeRobotDataset(Path(args.data))
    base, tuned = resolve_checkpoint(args.base), resolve_checkpoint(args.finetuned)
    network, config = load_network(base)
    parents = load_file(str(base / "model.safetensors")), load_file(str(tuned / "model.safetensors"))
    groups = {
        f"{args.target} demos {args.skip + 1}-{args.skip + 25}": frames(
            dataset, config, [args.target], args.skip + 1, args.skip + 25
        ),
        "other tasks' demos 1-20": frames(dataset, config, args.others.split(","), 1, 20),
    }
    table: dict[str, dict[str, float]] = {}
    for alpha in ALPHAS:
        weights = {k: merge_tensor(v, parents[1][k], alpha, "linear") for k, v in parents[0].items()}
        network.load_state_dict(weights)
        network.eval()
        row = {}
        with torch.no_grad():
            for name, (images, text, state, actions, mask) in groups.items():
                error = (network(images, text, state) - actions).abs().mean(-1)
                row[name] = round(float((error * mask).sum() / mask.sum()), 4)
        table[f"{alpha:.1f}"] = row
        print(f"alpha {alpha:.1f}: {row}", flush=True)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(table, indent=1) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name in groups:
        ax.plot(ALPHAS, [table[f"{a:.1f}"][name] for a in ALPHAS], marker="o", label=name)
    ax.set_xlabel("α (0 = base, 1 = finetuned)")
    ax.set_ylabel("action loss (L1, normalised)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out.with_suffix(".png"), dpi=120)


if __name__ == "__main__":
    main()
