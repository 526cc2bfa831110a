"""Scores of a validated submission and the order of a track.

A submission ranks by two numbers, in this order: task-averaged success under ``All`` (every applicable axis at
once), then the mean over the 14 perturbation axes of each axis's task-averaged success (over the tasks the axis
applies to). Relative drop against ``None`` is reported beside them and never ranks: a policy at 0% everywhere
has no drop at all.

Intervals are 95% Wilson score intervals with Kish's effective sample size. Both scores are weighted means of
per-cell success rates, ``sum_c w_c k_c / n_c``; their effective number of episodes is ``1 / sum_c (w_c^2 / n_c)``.
With equal weights and 25 episodes per cell (the ``All`` score) that is the plain Wilson interval of all the
episodes pooled, which is conservative for the stratified mean; unlike a bootstrap it does not collapse to a point
at 0% or 100%.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from arena.eval.report import wilson_interval
from arena.spec.axes import axis_applies
from arena.spec.axis_names import ALL_AXIS, AXIS_NAMES, NONE_AXIS, PERTURBATION_AXES
from arena.spec.task import load_task

INTERVAL = "95% Wilson score interval with Kish's effective sample size"


@dataclass(frozen=True)
class Estimate:
    """A success rate with its 95% interval and the effective number of episodes behind it."""

    value: float
    low: float
    high: float
    episodes: float

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high, "effective_episodes": self.episodes}


def weighted_success(cells: list[tuple[int, int, float]]) -> Estimate:
    """Weighted mean of cell success rates, ``cells`` as ``(successes, episodes, weight)``, with its interval."""
    total = sum(w for _, _, w in cells)
    weights = [(k, n, w / total) for k, n, w in cells]
    value = round(sum(w * k / n for k, n, w in weights), 12)  # 1.0, not 0.9999999999999978
    episodes = 1.0 / sum(w * w / n for _, n, w in weights)
    low, high = wilson_interval(value * episodes, episodes)  # type: ignore[arg-type]  # fractional counts
    return Estimate(value, min(low, value), max(high, value), episodes)


@dataclass(frozen=True)
class Scores:
    """Everything the site shows of one submission.

    Attributes:
        cells: (task, axis) -> (successes, episodes).
        all_axes: Task-averaged success under ``All`` (first ranking key).
        mean_over_axes: Mean over the perturbation axes of their task-averaged success (second key).
        per_axis: Axis -> task-averaged success over the tasks it applies to (None, the 14 axes, All).
        drops: Axis -> relative change against ``None`` over the same tasks (None where ``None`` is at 0%).
    """

    tasks: tuple[str, ...]
    cells: dict[tuple[str, str], tuple[int, int]]
    all_axes: Estimate
    mean_over_axes: Estimate
    per_axis: dict[str, Estimate]
    drops: dict[str, float | None]

    @property
    def ranking_key(self) -> tuple[float, float]:
        """Sort key, best first: higher All success, then higher mean over axes."""
        return (-round(self.all_axes.value, 12), -round(self.mean_over_axes.value, 12))

    def cell_rate(self, task: str, axis: str) -> tuple[float, float, float, int] | None:
        """Rate, Wilson interval and episodes of one cell (None where the axis does not apply)."""
        if (task, axis) not in self.cells:
            return None
        k, n = self.cells[(task, axis)]
        return (k / n, *wilson_interval(k, n), n)


def score(records: list[dict[str, Any]], tasks: list[str]) -> Scores:
    """Scores of a validated submission's records over its track's tasks (error records count as failures)."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        cell = counts[(record["task"], record["axis"])]
        cell[0] += bool(record["success"])
        cell[1] += 1
    cells = {key: (k, n) for key, (k, n) in counts.items()}
    applies = {a: [t for t in tasks if axis_applies(a, load_task(t))] for a in AXIS_NAMES}
    per_axis = {
        axis: weighted_success([(*cells[(t, axis)], 1.0) for t in applies[axis]])
        for axis in AXIS_NAMES
        if applies[axis]
    }
    perturbed = [a for a in PERTURBATION_AXES if applies[a]]
    mean_cells = [(*cells[(t, a)], 1.0 / (len(perturbed) * len(applies[a]))) for a in perturbed for t in applies[a]]
    drops: dict[str, float | None] = {}
    for axis in [*perturbed, ALL_AXIS]:
        baseline = sum(cells[(t, NONE_AXIS)][0] / cells[(t, NONE_AXIS)][1] for t in applies[axis])
        drops[axis] = None if baseline == 0 else per_axis[axis].value * len(applies[axis]) / baseline - 1.0
    return Scores(
        tasks=tuple(tasks),
        cells=cells,
        all_axes=per_axis[ALL_AXIS],
        mean_over_axes=weighted_success(mean_cells),
        per_axis=per_axis,
        drops=drops,
    )


def competition_ranks(keys: list[tuple[float, float]]) -> list[int]:
    """Ranks of already sorted keys, equal keys sharing a rank (1, 2, 2, 4)."""
    ranks: list[int] = []
    for position, key in enumerate(keys):
        ranks.append(ranks[-1] if position and key == keys[position - 1] else position + 1)
    return ranks


def percent(value: float | None) -> str:
    """``56%``, or an en dash for a missing value."""
    return "–" if value is None or math.isnan(value) else f"{value:.0%}"


def signed_percent(value: float | None) -> str:
    """``-64%`` / ``+0%``, or an en dash for a missing value."""
    return "–" if value is None or math.isnan(value) else f"{value:+.0%}"
