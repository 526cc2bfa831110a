"""``arena sweep-alpha``: merge a base and a finetuned checkpoint at several α and evaluate each on three groups —
the target task unperturbed (in distribution), the target task under perturbation axes (out of distribution) and the
base's other tasks unperturbed (generalist retention) — through the ordinary, resumable harness; then report success
against α per group with Wilson 95% intervals, and the per-axis table of each α. ``alpha_by_module`` holds some module
groups at fixed values while the others follow the swept α (RETAIN's per-module merging)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from arena.eval.evaluation import evaluate
from arena.eval.report import wilson_interval
from arena.eval.results import read_results
from arena.policies.learned.merging import merge_checkpoints

GROUPS = ("target (None)", "target (perturbed)", "other tasks (None)")


def _alpha_name(alpha: float) -> str:
    return f"alpha-{alpha:.2f}"


def group_of(record: dict[str, Any], target: str) -> str:
    """The sweep group an episode belongs to."""
    if record["task"] != target:
        return GROUPS[2]
    return GROUPS[0] if record["axis"] == "None" else GROUPS[1]


def sweep_alpha(base: str | Path, finetuned: str | Path, alphas: Sequence[float], target: str, axes: Sequence[str],
                generalist_tasks: Sequence[str], episodes: int, out: str | Path, method: str = "linear",
                workers: int = 0, backend: str = "local", progress: bool = True, max_steps: int | None = None,
                alpha_by_module: Mapping[str, float] | None = None) -> Path:  # fmt: skip
    """Merge at each α into ``out/checkpoints/``, evaluate into ``out/alpha-<α>/``, write ``out/sweep.md``; the module
    groups in ``alpha_by_module`` keep their given α at every point of the sweep."""
    out = Path(out)
    rows: dict[float, dict[str, Any]] = {}
    for alpha in alphas:
        checkpoint = out / "checkpoints" / _alpha_name(alpha)
        if not (checkpoint / "model.safetensors").exists():
            merge_checkpoints(base, finetuned, checkpoint, alpha, method, alpha_by_module=alpha_by_module)
        policy = f"checkpoint:{checkpoint}"
        folder = out / _alpha_name(alpha)
        common = {"workers": workers, "backend": backend, "progress": progress, "max_steps": max_steps}
        evaluate(policy, [target], ["None", *axes], episodes, folder, **common)
        if generalist_tasks:
            evaluate(policy, list(generalist_tasks), ["None"], episodes, folder, **common)
        records = read_results(folder)
        per_group = {}
        for group in GROUPS:
            chosen = [r for r in records if group_of(r, target) == group]
            wins = sum(bool(r["success"]) for r in chosen)
            per_group[group] = {"successes": wins, "episodes": len(chosen),
                                "rate": wins / len(chosen) if chosen else None,
                                "ci95": wilson_interval(wins, len(chosen))}  # fmt: skip
        per_axis = {}
        for axis in ["None", *axes]:  # an axis that does not apply to the target has no episodes: None (n/a)
            cell = [bool(r["success"]) for r in records if r["task"] == target and r["axis"] == axis]
            per_axis[axis] = sum(cell) / len(cell) if cell else None
        rows[alpha] = {"groups": per_group, "target_axes": per_axis}
    fixed = dict(alpha_by_module or {})
    (out / "sweep.json").write_text(json.dumps({"alpha_by_module": fixed} | {str(a): r for a, r in rows.items()},
                                               indent=1) + "\n")  # fmt: skip
    _write_markdown(out, rows, target, axes, generalist_tasks, method, fixed)
    _plot(out, rows)
    return out / "sweep.md"


def _write_markdown(out: Path, rows: dict[float, dict[str, Any]], target: str, axes: Sequence[str],
                    generalist: Sequence[str], method: str, fixed: Mapping[str, float]) -> None:  # fmt: skip
    held = ", ".join(f"{group} α = {value:g}" for group, value in fixed.items())
    lines = [
        f"# α sweep ({method} merge): target {target}; perturbed by {', '.join(axes)}; other tasks "
        f"{', '.join(generalist) or '(none)'}",
        "",
        "α = 0 is the base (generalist), α = 1 the finetuned checkpoint. Success with Wilson 95% intervals."
        + (f" Held at every point: {held}; the other module groups take the swept α." if fixed else ""),
        "",
        "| α | " + " | ".join(GROUPS) + " |",
        "| ---: |" + " ---: |" * len(GROUPS),
    ]
    for alpha, row in rows.items():
        cells = []
        for group in GROUPS:
            g = row["groups"][group]
            cells.append("" if g["rate"] is None else
                         f"{g['rate']:.0%} [{g['ci95'][0]:.0%}–{g['ci95'][1]:.0%}] n={g['episodes']}")  # fmt: skip
        lines.append(f"| {alpha:.2f} | " + " | ".join(cells) + " |")
    lines += ["", f"## {target} per axis", "", "| α | " + " | ".join(["None", *axes]) + " |",
              "| ---: |" + " ---: |" * (len(axes) + 1)]  # fmt: skip
    for alpha, row in rows.items():
        rates = ("n/a" if v is None else f"{v:.0%}" for v in row["target_axes"].values())
        lines.append(f"| {alpha:.2f} | " + " | ".join(rates) + " |")
    lines += ["", "![success against alpha](sweep.png)", ""]
    (out / "sweep.md").write_text("\n".join(lines))


def _plot(out: Path, rows: dict[float, dict[str, Any]]) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 3.4))
    ax = fig.subplots()
    alphas = list(rows)
    for group in GROUPS:
        stats = [rows[a]["groups"][group] for a in alphas]
        if all(s["rate"] is None for s in stats):
            continue
        rates = [100 * (s["rate"] or 0) for s in stats]
        low = [r - 100 * s["ci95"][0] for r, s in zip(rates, stats, strict=True)]
        high = [100 * s["ci95"][1] - r for r, s in zip(rates, stats, strict=True)]
        ax.errorbar(alphas, rates, yerr=[low, high], marker="o", capsize=3, label=group)
    ax.set_xlabel("α (0 = base, 1 = finetuned)")
    ax.set_ylabel("success (%)")
    ax.set_ylim(-2, 102)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "sweep.png", dpi=110)
