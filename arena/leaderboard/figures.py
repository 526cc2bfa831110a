"""The per-submission heatmap (task x axis success), as a PNG file; matplotlib is imported here only."""

from __future__ import annotations

import io

import numpy as np

from arena.leaderboard.scoring import Scores
from arena.spec.axis_names import AXIS_NAMES


def heatmap_png(scores: Scores, title: str) -> bytes:
    """Task x axis success rates, grey with ``n/a`` where an axis does not apply; deterministic bytes."""
    import matplotlib
    from matplotlib.figure import Figure  # a Figure draws without pyplot, leaving the caller's backend alone

    tasks, axes = list(scores.tasks), list(AXIS_NAMES)
    grid = np.full((len(tasks), len(axes)), np.nan)
    for i, task in enumerate(tasks):
        for j, axis in enumerate(axes):
            cell = scores.cell_rate(task, axis)
            if cell is not None:
                grid[i, j] = cell[0]
    fig = Figure(figsize=(1.4 + 0.55 * len(axes), 1.3 + 0.42 * len(tasks)))
    ax = fig.subplots()
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(len(tasks)):
        for j in range(len(axes)):
            ax.text(j, i, "n/a" if np.isnan(grid[i, j]) else f"{grid[i, j]:.0%}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(axes)), axes, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(tasks)), tasks, fontsize=8)
    ax.set_title(f"Success rate per task and axis: {title}", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.03)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()
