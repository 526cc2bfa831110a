"""Robustness report from results files: success per task x axis with Wilson 95% intervals (markdown)."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from arena.axis_names import AXIS_NAMES
from arena.perturbations import axis_applies
from arena.results import read_results
from arena.task_spec import load_task


def wilson_interval(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% by default)."""
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarize(records: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Per (policy, task, axis): episodes, successes, errors, rate, Wilson interval, mean steps."""
    cells: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        cells[(record["policy"], record["task"], record["axis"])].append(record)
    summary = {}
    for key, rows in sorted(cells.items()):
        n = len(rows)
        k = sum(bool(r["success"]) for r in rows)
        summary[key] = {
            "episodes": n,
            "successes": k,
            "errors": sum(r.get("error") is not None for r in rows),
            "rate": k / n,
            "ci95": wilson_interval(k, n),
            "mean_steps": sum(r["steps"] for r in rows) / n,
        }
    return summary


def write_report(result_files: list[str | Path], out_dir: str | Path) -> Path:
    """Write ``report.md`` summarising one or more results files; returns its path."""
    records = [r for path in result_files for r in read_results(path)]
    summary = summarize(records)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# Arena evaluation report", ""]
    lines.append(f"{len(records)} episodes from {', '.join(str(p) for p in result_files)}.")
    lines.append("")
    lines.append("| policy | task | axis | success | 95% CI (Wilson) | episodes | errors | mean steps |")
    lines.append("| --- | --- | --- | ---: | :---: | ---: | ---: | ---: |")
    policies = sorted({key[0] for key in summary})
    tasks = sorted({key[1] for key in summary})
    axes = [a for a in AXIS_NAMES if any(key[2] == a for key in summary)]
    for policy, task, axis in ((p, t, a) for p in policies for t in tasks for a in axes):
        cell = summary.get((policy, task, axis))
        if cell is None:
            if not axis_applies(axis, load_task(task)):
                lines.append(f"| {policy} | {task} | {axis} | n/a | | | | |")
            continue
        low, high = cell["ci95"]
        lines.append(
            f"| {policy} | {task} | {axis} | {cell['rate']:.0%} | {low:.0%}–{high:.0%} | {cell['episodes']} | "
            f"{cell['errors']} | {cell['mean_steps']:.0f} |"
        )
    videos = [r["video"] for r in records if r.get("video")]
    if videos:
        lines += ["", "## Videos", ""] + [f"- [{v}]({v})" for v in videos]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
