"""The 14 perturbation axes, plus ``None`` (no perturbation) and ``All`` (every applicable axis at once).

Not-applicable axes (an axis targeting a role the task lacks, e.g. ReceiverColor on OpenDrawer): the id is
registered, and making the env raises :class:`AxisNotApplicableError` naming the task's applicable axes;
reports show such cells as "n/a".
"""

from __future__ import annotations

from arena.axis_names import ALL_AXIS, AXIS_NAMES, NONE_AXIS, PERTURBATION_AXES
from arena.errors import UnknownNameError
from arena.perturbations.appearance import (
    BackgroundTexture,
    Lighting,
    ObjectColor,
    ObjectTexture,
    ReceiverColor,
    ReceiverTexture,
    TableColor,
    TableTexture,
    _TextureAxis,
)
from arena.perturbations.base import Axis, AxisNotApplicableError, ModelContext
from arena.perturbations.camera import CameraPose
from arena.perturbations.geometry_axes import Distractors, ObjectSize, ReceiverSize
from arena.perturbations.physics import Friction, Mass
from arena.task_spec import TaskSpec

AXIS_CLASSES: dict[str, type[Axis]] = {
    cls.name: cls
    for cls in (
        ObjectColor,
        ReceiverColor,
        ObjectTexture,
        ReceiverTexture,
        ObjectSize,
        ReceiverSize,
        Lighting,
        TableColor,
        TableTexture,
        BackgroundTexture,
        Distractors,
        CameraPose,
        Friction,
        Mass,
    )
}
assert tuple(AXIS_CLASSES) == PERTURBATION_AXES


def make_axis(name: str, texture_split: str = "test") -> Axis:
    """One axis object by name (texture axes draw from ``texture_split``)."""
    if name not in AXIS_CLASSES:
        raise UnknownNameError(f"unknown axis {name!r}; valid axes: {', '.join(AXIS_NAMES)}")
    cls = AXIS_CLASSES[name]
    return cls(texture_split) if issubclass(cls, _TextureAxis) else cls()


def applicable_axes(task: TaskSpec) -> list[str]:
    """Names of the perturbation axes that apply to ``task``, in report order."""
    return [name for name in PERTURBATION_AXES if make_axis(name).applicable(task)]


def axis_applies(axis: str, task: TaskSpec) -> bool:
    """Whether an env id's axis (including ``None`` and ``All``) applies to ``task``."""
    return axis in (NONE_AXIS, ALL_AXIS) or make_axis(axis).applicable(task)


def resolve_axes(axis: str, task: TaskSpec, texture_split: str = "test") -> list[Axis]:
    """The axes an env id's axis switches on: none for ``None``, every applicable one for ``All``."""
    if axis == NONE_AXIS:
        return []
    if axis == ALL_AXIS:
        return [make_axis(name, texture_split) for name in applicable_axes(task)]
    chosen = make_axis(axis, texture_split)
    if not chosen.applicable(task):
        raise AxisNotApplicableError(
            f"axis {axis} is not applicable to {task.name}: it perturbs {'/'.join(chosen.roles)} objects and "
            f"{task.name} has none; applicable axes: {', '.join([NONE_AXIS, *applicable_axes(task), ALL_AXIS])}"
        )
    return [chosen]


__all__ = [
    "AXIS_CLASSES",
    "Axis",
    "AxisNotApplicableError",
    "ModelContext",
    "applicable_axes",
    "axis_applies",
    "make_axis",
    "resolve_axes",
]
