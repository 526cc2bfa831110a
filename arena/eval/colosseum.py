"""THE COLOSSEUM's published robustness numbers (Pumacay et al., RSS 2024), the reference Arena's reports are read
against: relative change of task-averaged success versus no perturbation."""

from __future__ import annotations

#: The headline band of a single perturbation factor's relative change (30-50% drop).
SINGLE_AXIS_BAND = (-0.50, -0.30)
#: All factors at once: at least a 75% drop.
ALL_AXES_AT_MOST = -0.75
#: Published per-factor changes, (baseline success, perturbed success) per model, where the paper gives them.
PUBLISHED: dict[str, dict[str, tuple[float, float]]] = {
    "All": {"PerAct": (34.5, 7.2), "RVT": (43.6, 6.4)},
    "ObjectColor": {"PerAct": (34.5, 24.0), "RVT": (43.6, 26.0)},
    "Distractors": {"PerAct": (34.5, 27.1), "RVT": (43.6, 18.8)},
}


def expected_band(axis: str) -> str:
    """THE COLOSSEUM's expectation for an axis, as text."""
    if axis == "All":
        return f"≤ {ALL_AXES_AT_MOST:+.0%}"
    return f"{SINGLE_AXIS_BAND[0]:+.0%} to {SINGLE_AXIS_BAND[1]:+.0%}"


def published_changes(axis: str) -> str:
    """The paper's per-model changes for an axis (``PerAct -79%, RVT -85%``), or an empty string."""
    models = PUBLISHED.get(axis, {})
    return ", ".join(f"{model} {(after - before) / before:+.0%}" for model, (before, after) in models.items())
