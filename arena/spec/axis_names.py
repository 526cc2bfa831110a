"""Names of the perturbation axes (the suffixes of ``Arena-<Task>-<Axis>`` ids), in report order."""

from __future__ import annotations

NONE_AXIS = "None"
ALL_AXIS = "All"
PERTURBATION_AXES: tuple[str, ...] = (
    "ObjectColor",
    "ReceiverColor",
    "ObjectTexture",
    "ReceiverTexture",
    "ObjectSize",
    "ReceiverSize",
    "Lighting",
    "TableColor",
    "TableTexture",
    "BackgroundTexture",
    "Distractors",
    "CameraPose",
    "Friction",
    "Mass",
)
AXIS_NAMES: tuple[str, ...] = (NONE_AXIS, *PERTURBATION_AXES, ALL_AXIS)
#: Axes whose range a task YAML may set under ``perturbations`` (``[low, high]`` scale factors).
RANGED_AXES: tuple[str, ...] = ("ObjectSize", "ReceiverSize", "Mass")
#: The size axis that scales an object, by the object's role.
SIZE_AXIS_BY_ROLE: dict[str, str] = {"MO": "ObjectSize", "RO": "ReceiverSize"}
#: Defaults when a task does not set them (THE COLOSSEUM's typical size range; mass halved to doubled).
DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    "ObjectSize": (0.75, 1.25),
    "ReceiverSize": (0.75, 1.25),
    "Mass": (0.5, 2.0),
}
