"""``arena real correlate``: how well simulated success predicts real success.

Success rates are taken per (policy, task, axis) cell from sim and real result files. Three measures:

* **R² per task** (THE COLOSSEUM's): for each policy and task, the points are the axes (sim rate, real rate); the
  coefficient of determination of their least-squares line. R̄² is its mean over tasks (theirs: 0.614).
* **Pearson r** of the same points, per task, and per axis (points: the tasks).
* **MMRV** (SimplerEnv's mean maximum rank violation) across policies, per task and per axis: with sim rates
  ``s`` and real rates ``r`` of N policies, ``RV(i, j) = |r_i - r_j| * [ (s_i < s_j) != (r_i < r_j) ]`` and
  ``MMRV = 1/N * sum_i max_j RV(i, j)`` (0: sim ranks the policies as reality does).

Writes ``correlation.md``, ``correlation.json`` and a scatter plot per task (``scatter_<task>.png``) and overall.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from arena.eval.results import read_results
from arena.real.errors import CorrelationError


@dataclass(frozen=True)
class LineFit:
    """A least-squares line through (sim, real) points and how well it fits."""

    points: int
    slope: float
    intercept: float
    r2: float
    pearson_r: float


def success_rates(records: Iterable[dict]) -> dict[tuple[str, str, str], tuple[float, int]]:
    """(policy, task, axis) -> (success rate, episodes) over the records."""
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        cell = counts[(record["policy"], record["task"], record["axis"])]
        cell[0] += bool(record["success"])
        cell[1] += 1
    return {key: (hits / total, total) for key, (hits, total) in counts.items()}


def line_fit(sim: Sequence[float], real: Sequence[float]) -> LineFit:
    """Least-squares line of ``real`` on ``sim``; R² = 1 - SS_res / SS_tot (NaN when real is constant or < 2
    points; with a constant sim the line is flat and R² is 0)."""
    x, y = np.asarray(sim, float), np.asarray(real, float)
    n = len(x)
    if n < 2:
        return LineFit(n, math.nan, math.nan, math.nan, math.nan)
    sxx = float(np.sum((x - x.mean()) ** 2))
    syy = float(np.sum((y - y.mean()) ** 2))
    slope = float(np.sum((x - x.mean()) * (y - y.mean())) / sxx) if sxx > 0 else 0.0
    intercept = float(y.mean() - slope * x.mean())
    residual = float(np.sum((y - (intercept + slope * x)) ** 2))
    r2 = 1.0 - residual / syy if syy > 0 else math.nan
    pearson = float(np.sum((x - x.mean()) * (y - y.mean())) / math.sqrt(sxx * syy)) if sxx > 0 and syy > 0 else math.nan
    return LineFit(n, slope, intercept, r2, pearson)


def mmrv(sim: Sequence[float], real: Sequence[float]) -> float:
    """SimplerEnv's mean maximum rank violation of N policies' sim and real success rates (NaN below 2)."""
    s, r = np.asarray(sim, float), np.asarray(real, float)
    if len(s) < 2:
        return math.nan
    worst = []
    for i in range(len(s)):
        violations = [abs(r[i] - r[j]) * ((s[i] < s[j]) != (r[i] < r[j])) for j in range(len(s)) if j != i]
        worst.append(max(violations))
    return float(np.mean(worst))


@dataclass(frozen=True)
class Correlation:
    """Every measure, by task and by axis."""

    per_task: dict[str, dict[str, LineFit]]  # task -> policy -> fit over the axes
    per_axis: dict[str, dict[str, LineFit]]  # axis -> policy -> fit over the tasks
    mmrv_per_task: dict[str, float]
    mmrv_per_axis: dict[str, float]
    mean_r2: float
    pairs: list[tuple[str, str, str, float, float]]  # policy, task, axis, sim rate, real rate


def correlate(sim_records: Iterable[dict], real_records: Iterable[dict]) -> Correlation:
    """Compare sim and real success over the (policy, task, axis) cells both have."""
    sim, real = success_rates(sim_records), success_rates(real_records)
    common = sorted(set(sim) & set(real))
    if not common:
        raise CorrelationError(
            "sim and real results share no (policy, task, axis) cell; run the same policy, tasks and axes in both"
        )
    pairs = [(p, t, a, sim[(p, t, a)][0], real[(p, t, a)][0]) for p, t, a in common]

    def fits(group: int, point: int) -> dict[str, dict[str, LineFit]]:
        grouped: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
        for pair in pairs:
            grouped[pair[group]][pair[0]].append((pair[3], pair[4]))
        return {
            key: {policy: line_fit(*zip(*points, strict=True)) for policy, points in sorted(by_policy.items())}
            for key, by_policy in sorted(grouped.items())
        }

    def rank_violations(group: int) -> dict[str, float]:
        rates: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
        for pair in pairs:
            rates[pair[group]][pair[0]].append((pair[3], pair[4]))
        result = {}
        for key, by_policy in sorted(rates.items()):
            means = [np.mean(points, axis=0) for _, points in sorted(by_policy.items())]
            result[key] = mmrv([m[0] for m in means], [m[1] for m in means])
        return result

    per_task = fits(1, 2)
    r2s = [fit.r2 for by_policy in per_task.values() for fit in by_policy.values() if not math.isnan(fit.r2)]
    return Correlation(
        per_task=per_task,
        per_axis=fits(2, 1),
        mmrv_per_task=rank_violations(1),
        mmrv_per_axis=rank_violations(2),
        mean_r2=float(np.mean(r2s)) if r2s else math.nan,
        pairs=pairs,
    )


def _number(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def _scatter(pairs, title: str, path: Path, label_index: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4.2, 4.2), dpi=110)
    axes.plot([0, 1], [0, 1], color="0.8", linestyle="--", linewidth=1, label="real = sim")
    for policy in sorted({p[0] for p in pairs}):
        points = [p for p in pairs if p[0] == policy]
        x, y = [p[3] for p in points], [p[4] for p in points]
        axes.scatter(x, y, s=28, label=policy)
        for point in points:
            axes.annotate(
                point[label_index], (point[3], point[4]), fontsize=6, xytext=(3, 3), textcoords="offset points"
            )
        fit = line_fit(x, y)
        if not math.isnan(fit.slope):
            label = f"fit R²={_number(fit.r2)}"
            axes.plot([0, 1], [fit.intercept, fit.intercept + fit.slope], linewidth=1, label=label)
    axes.set(xlim=(-0.05, 1.05), ylim=(-0.05, 1.05), xlabel="sim success", ylabel="real success", title=title)
    axes.legend(fontsize=6, loc="upper left")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write_correlation(sim_paths: Sequence[Path], real_paths: Sequence[Path], out: Path) -> Path:
    """Read the result files, correlate, write ``correlation.md``/``.json`` and scatter plots; return the report."""
    sim_records = [r for path in sim_paths for r in read_results(path) if r.get("source", "sim") == "sim"]
    real_records = [r for path in real_paths for r in read_results(path) if r.get("source") == "real"]
    if not real_records:
        raise CorrelationError(f"no records with source 'real' in {', '.join(map(str, real_paths))}")
    result = correlate(sim_records, real_records)
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Sim vs real success",
        "",
        f"{len(result.pairs)} (policy, task, axis) cells in both. **R̄² = {_number(result.mean_r2)}** (mean over "
        "tasks and policies of the R² of a least-squares line through each task's axes; THE COLOSSEUM reports "
        "0.614).",
        "",
        "## Per task (points: axes)",
        "",
        "| task | policy | points | R² | Pearson r | slope | intercept | MMRV across policies |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for task, by_policy in result.per_task.items():
        _scatter([p for p in result.pairs if p[1] == task], task, out / f"scatter_{task}.png", 2)
        for policy, fit in by_policy.items():
            lines.append(
                f"| {task} | {policy} | {fit.points} | {_number(fit.r2)} | {_number(fit.pearson_r)} | "
                f"{_number(fit.slope)} | {_number(fit.intercept)} | {_number(result.mmrv_per_task[task])} |"
            )
    lines += ["", "## Per axis (points: tasks)", "", "| axis | policy | points | R² | Pearson r | MMRV |"]
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for axis, by_policy in result.per_axis.items():
        for policy, fit in by_policy.items():
            lines.append(
                f"| {axis} | {policy} | {fit.points} | {_number(fit.r2)} | {_number(fit.pearson_r)} | "
                f"{_number(result.mmrv_per_axis[axis])} |"
            )
    _scatter(result.pairs, "all cells", out / "scatter_all.png", 1)
    lines += ["", "![all cells](scatter_all.png)", ""]
    lines += [f"![{task}](scatter_{task}.png)" for task in result.per_task]
    report = out / "correlation.md"
    report.write_text("\n".join(lines) + "\n")

    def plain(value):
        return None if isinstance(value, float) and math.isnan(value) else value

    def table(fits):
        return {key: {p: {k: plain(v) for k, v in asdict(f).items()} for p, f in b.items()} for key, b in fits.items()}

    data = {
        "mean_r2": plain(result.mean_r2),
        "per_task": table(result.per_task),
        "per_axis": table(result.per_axis),
        "mmrv_per_task": {k: plain(v) for k, v in result.mmrv_per_task.items()},
        "mmrv_per_axis": {k: plain(v) for k, v in result.mmrv_per_axis.items()},
        "pairs": [list(p) for p in result.pairs],
    }  # fmt: skip
    (out / "correlation.json").write_text(json.dumps(data, indent=1, allow_nan=False))
    return report
