"""The per-submission heatmap (task x axis success), drawn like the report's (matplotlib loads only when it draws)."""

from __future__ import annotations

import numpy as np

from arena.eval.report import heatmap_png as report_heatmap
from arena.leaderboard.scoring import Scores
from arena.spec.axis_names import AXIS_NAMES


def heatmap_png(scores: Scores, title: str) -> bytes:
    """Task x axis success rates, grey with ``n/a`` where an axis does not apply; deterministic bytes."""
    tasks, axes = list(scores.tasks), list(AXIS_NAMES)
    grid = np.full((len(tasks), len(axes)), np.nan)
    for i, task in enumerate(tasks):
        for j, axis in enumerate(axes):
            cell = scores.cell_rate(task, axis)
            if cell is not None:
                grid[i, j] = cell[0]
    labels = [["n/a" if np.isnan(rate) else f"{rate:.0%}" for rate in row] for row in grid]
    return report_heatmap(grid, tasks, axes, labels, f"Success rate per task and axis: {title}")
