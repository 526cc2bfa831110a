"""The 14 perturbation axes in the spec layer, plus ``None`` (no perturbation) and ``All`` (every applicable axis).

Each axis draws typed values from its own stream of the episode seed and parses hand-written values back into
the same types; :mod:`arena.perturbations` applies them to a simulation. Not-applicable axes (an axis targeting
a role the task lacks, e.g. ReceiverColor on OpenDrawer) raise :class:`AxisNotApplicableError` naming the
task's applicable axes; reports show such cells as "n/a".
"""

from __future__ import annotations

from arena.errors import AxisNotApplicableError, UnknownNameError
from arena.spec.axes.base import Axis, AxisValue, Footprint, SamplingContext
from arena.spec.axes.camera import CameraOffset, CameraOffsets, CameraPose
from arena.spec.axes.colors import ObjectColor, ObjectColors, ReceiverColor, TableColor, TableRgb
from arena.spec.axes.distractors import Distractors, DistractorSet, PlacedToy
from arena.spec.axes.lighting import Lighting, LightSetting
from arena.spec.axes.scale import Friction, Mass, ObjectSize, ReceiverSize, ScaleFactors
from arena.spec.axes.textures import BackgroundTexture, ObjectTexture, ReceiverTexture, TableTexture, TextureChoice
from arena.spec.axis_names import ALL_AXIS, AXIS_NAMES, NONE_AXIS, PERTURBATION_AXES
from arena.spec.task import TaskSpec

#: One instance per axis, in report order (axes hold no state).
AXES: dict[str, Axis] = {
    axis.name: axis
    for axis in (
        ObjectColor(),
        ReceiverColor(),
        ObjectTexture(),
        ReceiverTexture(),
        ObjectSize(),
        ReceiverSize(),
        Lighting(),
        TableColor(),
        TableTexture(),
        BackgroundTexture(),
        Distractors(),
        CameraPose(),
        Friction(),
        Mass(),
    )
}
if tuple(AXES) != PERTURBATION_AXES:  # pragma: no cover - a developer error, caught by every test run
    raise ImportError(f"axis registry {tuple(AXES)} out of step with PERTURBATION_AXES {PERTURBATION_AXES}")


def get_axis(name: str) -> Axis:
    """One perturbation axis by name; unknown names raise ``UnknownNameError`` listing the valid ones."""
    if name not in AXES:
        raise UnknownNameError(f"unknown axis {name!r}; valid axes: {', '.join(AXIS_NAMES)}")
    return AXES[name]


def applicable_axes(task: TaskSpec) -> list[str]:
    """Names of the perturbation axes that apply to ``task``, in report order."""
    return [name for name, axis in AXES.items() if axis.applicable(task)]


def axis_applies(axis: str, task: TaskSpec) -> bool:
    """Whether an env id's axis (including ``None`` and ``All``) applies to ``task``."""
    return axis in (NONE_AXIS, ALL_AXIS) or get_axis(axis).applicable(task)


def resolve_axes(axis: str, task: TaskSpec) -> list[Axis]:
    """The axes an env id's axis switches on: none for ``None``, every applicable one for ``All``."""
    if axis == NONE_AXIS:
        return []
    if axis == ALL_AXIS:
        return [AXES[name] for name in applicable_axes(task)]
    chosen = get_axis(axis)
    if not chosen.applicable(task):
        raise AxisNotApplicableError(
            f"axis {axis} is not applicable to {task.name}: it perturbs {'/'.join(chosen.roles)} objects and "
            f"{task.name} has none; applicable axes: {', '.join([NONE_AXIS, *applicable_axes(task), ALL_AXIS])}"
        )
    return [chosen]


__all__ = [
    "AXES",
    "Axis",
    "AxisNotApplicableError",
    "AxisValue",
    "CameraOffset",
    "CameraOffsets",
    "DistractorSet",
    "Footprint",
    "LightSetting",
    "ObjectColors",
    "PlacedToy",
    "SamplingContext",
    "ScaleFactors",
    "TableRgb",
    "TextureChoice",
    "applicable_axes",
    "axis_applies",
    "get_axis",
    "resolve_axes",
]
