"""Robustness report from results files: task x axis success with Wilson 95% intervals, per-axis means and
relative change against ``None`` with bootstrap intervals over tasks, a heatmap, a bar chart of per-axis drops,
several policies side by side, and links to the recorded videos. Written as markdown and as one
self-contained HTML page (images embedded)."""

from __future__ import annotations

import base64
import html
import io
import math
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from arena.eval.colosseum import ALL_AXES_AT_MOST, SINGLE_AXIS_BAND, expected_band, published_changes
from arena.eval.results import read_results, results_path
from arena.spec.axes import axis_applies
from arena.spec.axis_names import AXIS_NAMES, NONE_AXIS
from arena.spec.task import load_task, task_names

BOOTSTRAP_SAMPLES = 2000


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
            "videos": [r["video"] for r in rows if r.get("video")],
        }
    return summary


@dataclass(frozen=True)
class AxisSummary:
    """Task-averaged success of one axis and its relative change against ``None`` (THE COLOSSEUM's measure).

    The relative change is computed over the tasks where the axis applies and both cells were measured:
    ``(mean(axis) - mean(None)) / mean(None)``. Intervals bootstrap over those tasks.
    """

    axis: str
    tasks: int
    mean: float
    mean_ci: tuple[float, float]
    change: float | None
    change_ci: tuple[float, float] | None


def _bootstrap(values: np.ndarray, statistic, rng: np.random.Generator) -> tuple[float, float]:
    samples = rng.integers(0, len(values), size=(BOOTSTRAP_SAMPLES, len(values)))
    stats = np.array([statistic(values[idx]) for idx in samples])
    stats = stats[np.isfinite(stats)]
    if len(stats) == 0:
        return (math.nan, math.nan)
    return (float(np.percentile(stats, 2.5)), float(np.percentile(stats, 97.5)))


def _relative_change(pairs: np.ndarray) -> float:
    baseline = pairs[:, 1].mean()
    return float((pairs[:, 0].mean() - baseline) / baseline) if baseline > 0 else math.nan


def axis_summaries(summary: dict, policy: str) -> list[AxisSummary]:
    """Per-axis task-averaged success and relative change vs None for one policy (fixed bootstrap seed)."""
    rng = np.random.default_rng(0)
    tasks = sorted({t for p, t, _ in summary if p == policy})
    result = []
    for axis in AXIS_NAMES:
        rates = {t: summary[(policy, t, axis)]["rate"] for t in tasks if (policy, t, axis) in summary}
        if not rates:
            continue
        values = np.array(list(rates.values()))
        paired = [
            (rates[t], summary[(policy, t, NONE_AXIS)]["rate"]) for t in rates if (policy, t, NONE_AXIS) in summary
        ]
        change = change_ci = None
        if paired and axis != NONE_AXIS:
            pairs = np.array(paired)
            change = _relative_change(pairs)
            change_ci = _bootstrap(pairs, _relative_change, rng)
        result.append(
            AxisSummary(axis, len(values), float(values.mean()), _bootstrap(values, np.mean, rng), change, change_ci)
        )
    return result


def _percent(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0%}"


def _signed(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:+.0%}"


def _cell_text(cell: dict[str, Any] | None, applies: bool) -> str:
    if not applies:
        return "n/a"
    if cell is None:
        return ""
    low, high = cell["ci95"]
    return f"{cell['rate']:.0%} [{low:.0%}–{high:.0%}] n={cell['episodes']}"


def _figure_png(fig) -> bytes:
    """PNG bytes of ``fig``, without the matplotlib version stamp (the same figure gives the same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def heatmap_png(grid: np.ndarray, tasks: list[str], axes: list[str], labels: list[list[str]], title: str) -> bytes:
    """Task x axis success rates in [0, 1] (NaN drawn grey), each cell captioned ``labels[task][axis]``, as PNG
    bytes that do not depend on the matplotlib version's metadata (the report and the leaderboard site draw it)."""
    import matplotlib
    from matplotlib.figure import Figure  # a Figure draws without pyplot, leaving the caller's backend alone

    fig = Figure(figsize=(1.0 + 0.62 * len(axes), 1.2 + 0.45 * len(tasks)))
    ax = fig.subplots()
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i, row in enumerate(labels):
        for j, label in enumerate(row):
            ax.text(j, i, label, ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(axes)), axes, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(tasks)), tasks, fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.03)
    return _figure_png(fig)


def _heatmap(summary: dict, policy: str, tasks: list[str], axes: list[str]) -> bytes:
    grid = np.full((len(tasks), len(axes)), np.nan)
    for i, task in enumerate(tasks):
        for j, axis in enumerate(axes):
            cell = summary.get((policy, task, axis))
            if cell is not None:
                grid[i, j] = cell["rate"]
    labels = [
        ["n/a" if not axis_applies(axis, load_task(task)) else ("" if np.isnan(rate) else f"{rate:.0%}")
         for axis, rate in zip(axes, row, strict=True)]
        for task, row in zip(tasks, grid, strict=True)
    ]  # fmt: skip
    return heatmap_png(grid, tasks, axes, labels, f"Success rate: {policy}")


def _drop_chart(per_policy: dict[str, list[AxisSummary]]) -> bytes:
    from matplotlib.figure import Figure

    axes = [
        a
        for a in AXIS_NAMES
        if a != NONE_AXIS and any(s.axis == a and s.change is not None for v in per_policy.values() for s in v)
    ]
    fig = Figure(figsize=(1.2 + 0.55 * max(len(axes), 1), 3.6))
    ax = fig.subplots()
    width = 0.8 / max(len(per_policy), 1)
    for k, (policy, summaries) in enumerate(per_policy.items()):
        by_axis = {s.axis: s for s in summaries}
        xs, ys, errs = [], [], [[], []]
        for j, axis in enumerate(axes):
            s = by_axis.get(axis)
            if s is None or s.change is None or math.isnan(s.change):
                continue
            xs.append(j + (k - (len(per_policy) - 1) / 2) * width)
            ys.append(100 * s.change)
            low, high = s.change_ci or (s.change, s.change)
            errs[0].append(100 * max(0.0, s.change - low) if not math.isnan(low) else 0.0)
            errs[1].append(100 * max(0.0, high - s.change) if not math.isnan(high) else 0.0)
        ax.bar(xs, ys, width=width, yerr=errs, capsize=2, label=policy)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axhspan(100 * SINGLE_AXIS_BAND[0], 100 * SINGLE_AXIS_BAND[1], color="grey", alpha=0.15, zorder=0,
               label="THE COLOSSEUM: one factor")  # fmt: skip
    ax.axhline(100 * ALL_AXES_AT_MOST, color="grey", linestyle="--", linewidth=0.8, label="THE COLOSSEUM: All")
    ax.set_xticks(range(len(axes)), axes, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("change vs None (%)")
    ax.set_title("Relative change in task-averaged success (95% bootstrap over tasks)", fontsize=10)
    ax.legend(fontsize=8)
    return _figure_png(fig)


def write_report(result_files: list[str | Path], out_dir: str | Path) -> Path:
    """Read results files and write their report (:func:`write_report_of`); return the ``report.md`` path.

    Video links, relative to each evaluation folder in the records, are rewritten relative to ``out_dir``.
    """
    records = [r for path in result_files for r in rebase_videos(read_results(path), path, out_dir)]
    return write_report_of(records, result_files, out_dir)


def rebase_videos(records: list[dict[str, Any]], source: str | Path, out_dir: str | Path) -> list[dict[str, Any]]:
    """Records whose video links (relative to the evaluation folder of ``source``) point from ``out_dir`` instead."""
    folder = results_path(Path(source)).parent
    return [
        r | {"video": os.path.relpath(folder / r["video"], Path(out_dir))} if r.get("video") else r for r in records
    ]


def write_report_of(records: list[dict[str, Any]], sources: list[str | Path], out_dir: str | Path) -> Path:
    """Write ``report.md``, ``report.html``, ``heatmap_<policy>.png`` and ``axis_drops.png`` for records already
    read from ``sources``; return the md path."""
    summary = summarize(records)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    policies = sorted({p for p, _, _ in summary})
    known = set(task_names())
    tasks = sorted({t for _, t, _ in summary})
    axes = [a for a in AXIS_NAMES if any(k[2] == a for k in summary)]
    per_policy = {p: axis_summaries(summary, p) for p in policies}
    images: dict[str, bytes] = {}
    for policy in policies:
        images[f"heatmap_{policy.replace(':', '_').replace('/', '_')}.png"] = _heatmap(summary, policy, tasks, axes)
    if any(s.change is not None for v in per_policy.values() for s in v):
        images["axis_drops.png"] = _drop_chart(per_policy)
    for name, data in images.items():
        (out_dir / name).write_bytes(data)

    def applies(task: str, axis: str) -> bool:
        return task not in known or axis_applies(axis, load_task(task))

    md = [
        "# Arena evaluation report",
        "",
        f"{len(records)} episodes from {', '.join(str(p) for p in sources)}.",
        "",
    ]
    md += ["## Per-axis summary (task-averaged success; relative change vs None over tasks where the axis applies)", ""]
    md.append("| axis | " + " | ".join(f"{p} success | {p} change vs None" for p in policies) + " |")
    md.append("| --- |" + " ---: | ---: |" * len(policies))
    for axis in axes:
        row = [axis]
        for policy in policies:
            s = next((x for x in per_policy[policy] if x.axis == axis), None)
            if s is None:
                row += ["", ""]
                continue
            lo, hi = s.mean_ci
            row.append(f"{s.mean:.0%} [{_percent(lo)}–{_percent(hi)}] ({s.tasks} tasks)")
            row.append(
                ""
                if s.change is None
                else f"{_signed(s.change)} [{_signed(s.change_ci[0])}, {_signed(s.change_ci[1])}]"
            )
        md.append("| " + " | ".join(row) + " |")
    changed = [p for p in policies if any(x.change is not None for x in per_policy[p])]
    if changed:
        md += ["", "## Compared with THE COLOSSEUM (relative change vs None)", ""]
        md.append("| axis | THE COLOSSEUM expects | published | " + " | ".join(changed) + " |")
        md.append("| --- | --- | --- |" + " ---: |" * len(changed))
        for axis in (a for a in axes if a != NONE_AXIS):
            cells = []
            for policy in changed:
                s = next((x for x in per_policy[policy] if x.axis == axis), None)
                cells.append("" if s is None or s.change is None else _signed(s.change))
            md.append(f"| {axis} | {expected_band(axis)} | {published_changes(axis)} | " + " | ".join(cells) + " |")
    for policy in policies:
        md += ["", f"## {policy}: success per task and axis (Wilson 95% interval, episodes)", ""]
        md.append("| task | " + " | ".join(axes) + " |")
        md.append("| --- |" + " --- |" * len(axes))
        for task in tasks:
            md.append(
                f"| {task} | "
                + " | ".join(_cell_text(summary.get((policy, task, a)), applies(task, a)) for a in axes)
                + " |"
            )
        md += ["", f"![heatmap](heatmap_{policy.replace(':', '_').replace('/', '_')}.png)"]
    if "axis_drops.png" in images:
        md += ["", "![per-axis change](axis_drops.png)"]
    videos = [v for cell in summary.values() for v in cell["videos"]]
    if videos:
        md += ["", "## Videos", ""] + [f"- [{v}]({v})" for v in videos]
    path = out_dir / "report.md"
    path.write_text("\n".join(md) + "\n")
    _write_html(out_dir / "report.html", md, images)
    return path


def _write_html(path: Path, markdown_lines: list[str], images: dict[str, bytes]) -> None:
    """A self-contained HTML rendering of the markdown report (tables, embedded images, video links)."""
    body, table = [], []

    def flush_table() -> None:
        if not table:
            return
        rows = [r.strip("|").split("|") for r in table if not set(r.replace("|", "").strip()) <= set("-: ")]
        head, *rest = rows
        body.append("<table><tr>" + "".join(f"<th>{html.escape(c.strip())}</th>" for c in head) + "</tr>")
        for row in rest:
            cells = "".join(
                f"<td class='{'na' if c.strip() == 'n/a' else ''}'>{html.escape(c.strip())}</td>" for c in row
            )
            body.append(f"<tr>{cells}</tr>")
        body.append("</table>")
        table.clear()

    for line in markdown_lines:
        if line.startswith("|"):
            table.append(line)
            continue
        flush_table()
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("!["):
            name = line[line.index("(") + 1 : -1]
            encoded = base64.b64encode(images[name]).decode()
            body.append(f"<img alt='{html.escape(name)}' src='data:image/png;base64,{encoded}'>")
        elif line.startswith("- ["):
            target = line[line.index("(") + 1 : -1]
            body.append(f"<div><a href='{html.escape(target)}'>{html.escape(target)}</a></div>")
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    flush_table()
    style = (
        "body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td.na{color:#999;background:#f3f3f3}"
        "img{max-width:100%}"
    )
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>Arena report</title><style>{style}</style>"
        f"</head><body>{''.join(body)}</body></html>\n"
    )
