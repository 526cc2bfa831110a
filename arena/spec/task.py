"""Task specifications: ``tasks/<Name>.yaml`` parsed and validated into frozen records.

Every error names the file, the field and what would be accepted. See ``tasks/StackBlocks.yaml`` for a
documented example of every field.

Fields for groups and home positions (``tasks/StackCups.yaml``, ``tasks/SetupChess.yaml``):

- ``scale_with: <object>`` (object field): the object takes the named object's size factor, so the size axes draw
  one factor per group (stacking cups that must nest, the pieces of one chess set). The named object must have
  the same role, must come earlier in ``objects`` and must not itself have ``scale_with``. An episode config whose
  size factors differ within a group is refused.
- ``home: {object: <fixed object>, site: <site>, yaw: <radians, optional>}`` (object field): where the object
  belongs, a site on the root part of a fixed object (a chess piece's starting square; for a fixed object, where it
  is mounted: the knob strip on an oven, which keeps its own size axis and colour). An object with a home
  starts there (its frame origin on the site, its heading the host's plus ``yaw``, at the host's sampled pose and
  size) unless the episode displaces it; a displaced object starts in its ``spawn`` region like any other object.
- ``displaced: {variant: <variant name>}`` (top level): how many of the objects with a home start displaced is the
  value of that variant (``"1"``, ``"2"`` ... or ``one``, ``two`` ...; at least 1, at most the number of objects
  with a home), so the count is part of the episode and can be named in the instruction; which ones are displaced
  is drawn from the seed's ``displaced`` stream (fixed objects are never displaced). Without this field every object
  with a home starts on it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from arena.errors import TaskSpecError, UnknownNameError
from arena.objects import Shape, make_shape
from arena.paths import task_dir
from arena.spec import predicates
from arena.spec.axis_names import DEFAULT_RANGES, RANGED_AXES, SIZE_AXIS_BY_ROLE
from arena.spec.cameras import CAMERAS
from arena.spec.colors import NAMED_COLORS
from arena.spec.skills import PlanError, check_plan

ROLES = ("MO", "RO")
_TOP_LEVEL = {
    "name": True,
    "description": True,
    "success_conditions": True,
    "max_steps": True,
    "objects": True,
    "instructions": True,
    "success": True,
    "expert": True,
    "variants": False,
    "min_separation": False,
    "perturbations": False,
    "video_camera": False,
    "displaced": False,
}
_OBJECT_FIELDS = {
    "name",
    "role",
    "shape",
    "params",
    "color",
    "density",
    "friction",
    "spawn",
    "initial_joints",
    "scale_with",
    "home",
}
#: Count words a ``displaced`` variant may use besides digits.
COUNT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class SpawnRegion:
    """Where an object's frame origin may be placed (metres, radians; robot base frame)."""

    x: tuple[float, float]
    y: tuple[float, float]
    yaw: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class HomeSpec:
    """Where an object belongs: site ``site`` on the root part of the fixed object ``object``, heading ``yaw``
    radians from the host's."""

    object: str
    site: str
    yaw: float = 0.0


@dataclass(frozen=True)
class DisplacedSpec:
    """Which variant says how many objects with a home start off it (see module docstring)."""

    variant: str


def displaced_count(value: str) -> int | None:
    """The count a ``displaced`` variant value stands for (``"2"`` or ``two``), or None if it is not a count."""
    if value.isdigit():
        return int(value)
    return COUNT_WORDS.index(value) if value in COUNT_WORDS else None


@dataclass(frozen=True)
class ObjectSpec:
    """One task object: its role, parametric shape, look, physics and spawn region; optionally the object whose
    size factor it shares (``scale_with``) and its home on a fixed object (``home``)."""

    name: str
    role: str
    shape: Shape
    color: str
    spawn: SpawnRegion
    density: float = 600.0
    friction: float = 1.0
    initial_joints: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    scale_with: str | None = None
    home: HomeSpec | None = None


@dataclass(frozen=True)
class TaskSpec:
    """A validated task definition (see module docstring)."""

    name: str
    description: str
    success_conditions: str
    max_steps: int
    objects: tuple[ObjectSpec, ...]
    instructions: tuple[str, ...]
    success: Mapping[str, Any]
    expert: tuple[Mapping[str, Any], ...]
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    min_separation: float = 0.03
    perturbations: Mapping[str, Any] = field(default_factory=dict)
    video_camera: str = "front"
    displaced: DisplacedSpec | None = None
    source: str = ""

    def object(self, name: str) -> ObjectSpec:
        """The object called ``name``; raises ``UnknownNameError`` listing the task's objects."""
        for spec in self.objects:
            if spec.name == name:
                return spec
        raise UnknownNameError(f"task {self.name} has no object {name!r}; objects: {[o.name for o in self.objects]}")

    def objects_with_role(self, role: str) -> tuple[ObjectSpec, ...]:
        """Objects whose role is ``role`` (``MO`` or ``RO``)."""
        return tuple(spec for spec in self.objects if spec.role == role)

    def axis_range(self, axis: str) -> tuple[float, float]:
        """Scale-factor range of a ranged axis (ObjectSize, ReceiverSize, Mass): the task's or the default."""
        if axis not in RANGED_AXES:
            raise UnknownNameError(f"axis {axis!r} has no per-task range; ranged axes: {', '.join(RANGED_AXES)}")
        low, high = self.perturbations.get(axis, DEFAULT_RANGES[axis])
        return float(low), float(high)

    def size_axis(self, obj: ObjectSpec) -> str:
        """The axis that scales ``obj``: ObjectSize for MO objects, ReceiverSize for RO objects."""
        return SIZE_AXIS_BY_ROLE[obj.role]

    def size_range(self, obj: ObjectSpec) -> tuple[float, float]:
        """Scale range ``obj`` may take under its size axis."""
        return self.axis_range(self.size_axis(obj))

    def scale_leader(self, name: str) -> str:
        """The object whose size factor ``name`` takes: its ``scale_with`` object, or itself."""
        return self.object(name).scale_with or name

    def homed_objects(self) -> tuple[ObjectSpec, ...]:
        """Objects with a ``home``, in file order."""
        return tuple(obj for obj in self.objects if obj.home is not None)

    @property
    def randomizations(self) -> str:
        """What varies between unperturbed episodes, in words, generated from the fields (never drifts)."""
        return describe_randomizations(self)


def _fail(path: Path, where: str, message: str) -> TaskSpecError:
    return TaskSpecError(f"{path.name}: field '{where}': {message}")


def _range(path: Path, where: str, value: Any) -> tuple[float, float]:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int | float) for v in value)
        or value[0] > value[1]
    ):
        raise _fail(path, where, f"expected [low, high] numbers with low <= high, got {value!r}")
    return float(value[0]), float(value[1])


def _template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _parse_object(path: Path, index: int, raw: Any) -> ObjectSpec:
    where = f"objects[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(path, where, "expected a mapping")
    unknown = set(raw) - _OBJECT_FIELDS
    if unknown:
        raise _fail(path, where, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_OBJECT_FIELDS)}")
    for key in ("name", "role", "shape", "spawn"):
        if key not in raw:
            raise _fail(path, f"{where}.{key}", "missing")
    name = raw["name"]
    if not isinstance(name, str) or not name.isidentifier():
        raise _fail(path, f"{where}.name", f"expected an identifier (letters, digits, _), got {name!r}")
    if raw["role"] not in ROLES:
        raise _fail(path, f"{where}.role", f"got {raw['role']!r}; allowed: {list(ROLES)}")
    try:
        shape = make_shape(str(raw["shape"]), dict(raw.get("params") or {}))
    except UnknownNameError as error:
        raise _fail(path, f"{where}.shape", str(error)) from None
    color = raw.get("color", "gray")
    if color not in NAMED_COLORS:
        raise _fail(path, f"{where}.color", f"got {color!r}; allowed: {list(NAMED_COLORS)}")
    spawn = raw["spawn"]
    if not isinstance(spawn, Mapping) or not {"x", "y"} <= set(spawn) or set(spawn) - {"x", "y", "yaw"}:
        raise _fail(path, f"{where}.spawn", "expected a mapping with x, y and optional yaw ranges")
    region = SpawnRegion(
        x=_range(path, f"{where}.spawn.x", spawn["x"]),
        y=_range(path, f"{where}.spawn.y", spawn["y"]),
        yaw=_range(path, f"{where}.spawn.yaw", spawn.get("yaw", [0.0, 0.0])),
    )
    part_names = {part.name for part in shape.parts() if part.joint is not None}
    joints = {}
    for joint, bounds in dict(raw.get("initial_joints") or {}).items():
        if joint not in part_names:
            raise _fail(path, f"{where}.initial_joints.{joint}", f"unknown joint; movable parts: {sorted(part_names)}")
        joints[joint] = _range(path, f"{where}.initial_joints.{joint}", bounds)
    for key in ("density", "friction"):
        if key in raw and (not isinstance(raw[key], int | float) or raw[key] <= 0):
            raise _fail(path, f"{where}.{key}", f"expected a positive number, got {raw[key]!r}")
    scale_with = raw.get("scale_with")
    if scale_with is not None and not isinstance(scale_with, str):
        raise _fail(path, f"{where}.scale_with", f"expected an object name, got {scale_with!r}")
    home = None
    if "home" in raw:
        spec = raw["home"]
        if (
            not isinstance(spec, Mapping)
            or not {"object", "site"} <= set(spec)
            or set(spec) - {"object", "site", "yaw"}
            or not all(isinstance(spec[k], str) for k in ("object", "site"))
            or not isinstance(spec.get("yaw", 0.0), int | float)
        ):
            raise _fail(
                path,
                f"{where}.home",
                f"expected {{object: <fixed object>, site: <site>, yaw: <radians>}}, got {spec!r}",
            )
        home = HomeSpec(spec["object"], spec["site"], float(spec.get("yaw", 0.0)))
    return ObjectSpec(
        name=name,
        role=raw["role"],
        shape=shape,
        color=color,
        spawn=region,
        density=float(raw.get("density", 600.0)),
        friction=float(raw.get("friction", 1.0)),
        initial_joints=joints,
        scale_with=scale_with,
        home=home,
    )


def _check_groups_and_homes(path: Path, objects: tuple[ObjectSpec, ...]) -> None:
    """``scale_with`` names an earlier object of the same role that leads its group; ``home`` names a site on the
    root part of a fixed object (a fixed object with a home is mounted there: an oven's knob strip)."""
    index = {obj.name: i for i, obj in enumerate(objects)}
    for i, obj in enumerate(objects):
        where = f"objects[{i}]"
        if obj.scale_with is not None:
            leader = obj.scale_with
            if leader not in index or index[leader] >= i:
                raise _fail(
                    path,
                    f"{where}.scale_with",
                    f"{leader!r} is not an object listed before {obj.name!r}; earlier objects: "
                    f"{[o.name for o in objects[:i]]}",
                )
            other = objects[index[leader]]
            if other.role != obj.role:
                raise _fail(
                    path,
                    f"{where}.scale_with",
                    f"{leader!r} has role {other.role} but {obj.name!r} has role {obj.role}; a group shares one size "
                    "axis, so its objects must have the same role",
                )
            if other.scale_with is not None:
                raise _fail(
                    path,
                    f"{where}.scale_with",
                    f"{leader!r} itself scales with {other.scale_with!r}; name the group's first object instead",
                )
        if obj.home is not None:
            host = obj.home.object
            if host not in index or host == obj.name:
                raise _fail(
                    path,
                    f"{where}.home.object",
                    f"unknown object {host!r}; other objects: {sorted(set(index) - {obj.name})}",
                )
            host_spec = objects[index[host]]
            if host_spec.shape.free or host_spec.home is not None:
                raise _fail(
                    path,
                    f"{where}.home.object",
                    f"{host!r} must be a fixed object (its home poses are derived from its sampled pose)",
                )
            sites = host_spec.shape.parts()[0].sites
            if obj.home.site not in sites:
                raise _fail(
                    path, f"{where}.home.site", f"{host!r} has no site {obj.home.site!r}; sites: {sorted(sites)}"
                )


def _parse_displaced(
    path: Path, raw: Any, variants: Mapping[str, tuple[str, ...]], objects: tuple[ObjectSpec, ...]
) -> DisplacedSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) != {"variant"} or raw["variant"] not in variants:
        raise _fail(path, "displaced", f"expected {{variant: <one of {sorted(variants)}>}}, got {raw!r}")
    homed = sum(obj.home is not None and obj.shape.free for obj in objects)
    if not homed:
        raise _fail(path, "displaced", "no object has a home to be displaced from")
    for value in variants[raw["variant"]]:
        count = displaced_count(value)
        if count is None or not 1 <= count <= homed:
            raise _fail(
                path,
                f"variants.{raw['variant']}",
                f"value {value!r} is not a count from 1 to {homed} (the objects with a home), as digits or "
                f"{list(COUNT_WORDS[1 : homed + 1])}",
            )
    return DisplacedSpec(raw["variant"])


def object_variants(variants: Mapping[str, tuple[str, ...]], object_names) -> dict[str, str]:
    """``{<variant>_color: variant}`` for every variant whose values all name task objects: an instruction may
    name the chosen object by its colour with that placeholder (``{target_cup_color}``)."""
    names = set(object_names)
    return {f"{key}_color": key for key, values in variants.items() if set(values) <= names}


def _check_distinct_named_colours(
    path: Path,
    objects: tuple[ObjectSpec, ...],
    instructions: list[str],
    variants: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """Objects an instruction names by colour must be told apart by it: their nominal colours differ."""
    used = {name for template in instructions for name in _template_fields(template)}
    by_variant = object_variants(variants or {}, [o.name for o in objects])
    for placeholder, key in by_variant.items():
        if placeholder in used:
            used |= {f"{value}_color" for value in (variants or {})[key]}
    named = [o for o in objects if f"{o.name}_color" in used]
    seen: dict[str, str] = {}
    for obj in named:
        if obj.color in seen:
            raise _fail(
                path,
                "objects",
                f"{seen[obj.color]} and {obj.name} are both {obj.color} and the instructions name them by colour; "
                "give them different colours",
            )
        seen[obj.color] = obj.name


def _metres(value: float) -> str:
    return f"{value:g} m"


def describe_randomizations(task: TaskSpec) -> str:
    """The task's randomisation, in words, from its fields (spawn regions, joints, variants, templates)."""
    sentences = []
    for obj in task.objects:
        spawn = obj.spawn
        text = (
            f"{obj.name} ({obj.role}) position uniform in x {spawn.x[0]:g}-{_metres(spawn.x[1])}, "
            f"y {spawn.y[0]:g}-{_metres(spawn.y[1])}"
        )
        if spawn.yaw != (0.0, 0.0):
            text += f", yaw uniform in [{spawn.yaw[0]:g}, {spawn.yaw[1]:g}] rad"
        if obj.home is not None:
            text = f"{obj.name} ({obj.role}) starts on {obj.home.object} at {obj.home.site}"
            if task.displaced is not None:
                text += (
                    f" unless displaced, then position uniform in x {spawn.x[0]:g}-{_metres(spawn.x[1])}, "
                    f"y {spawn.y[0]:g}-{_metres(spawn.y[1])}"
                )
                if spawn.yaw != (0.0, 0.0):
                    text += f", yaw uniform in [{spawn.yaw[0]:g}, {spawn.yaw[1]:g}] rad"
        for joint, (low, high) in obj.initial_joints.items():
            text += f"; joint {joint} starts uniform in [{low:g}, {high:g}]"
        if obj.scale_with is not None:
            text += f"; it takes {obj.scale_with}'s size factor"
        sentences.append(text + ".")
    if len(task.objects) > 1:
        sentences.append(
            f"Footprints (at the largest size the size axes draw) stay at least {task.min_separation * 100:g} cm apart."
        )
    for name, values in task.variants.items():
        sentences.append(f"Variant {name} uniform among {', '.join(values)}.")
    if task.displaced is not None:
        sentences.append(
            f"That many of {', '.join(o.name for o in task.homed_objects())} (variant {task.displaced.variant}), "
            "drawn uniformly, start displaced."
        )
    sentences.append(f"Instruction template uniform among {len(task.instructions)} paraphrases.")
    return " ".join(sentences)


def parse_task(path: Path, raw: Any) -> TaskSpec:
    """Validate a parsed YAML document; raise :class:`TaskSpecError` naming file, field and what is allowed."""
    if not isinstance(raw, Mapping):
        raise _fail(path, "<root>", "expected a mapping at the top level")
    unknown = set(raw) - set(_TOP_LEVEL)
    if unknown:
        raise _fail(path, "<root>", f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_TOP_LEVEL)}")
    for key, required in _TOP_LEVEL.items():
        if required and key not in raw:
            raise _fail(path, key, "missing (required)")
    if raw["name"] != path.stem:
        raise _fail(path, "name", f"must equal the file name {path.stem!r}, got {raw['name']!r}")
    for key in ("description", "success_conditions"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _fail(path, key, "expected a non-empty text")
    if not isinstance(raw["max_steps"], int) or raw["max_steps"] <= 0:
        raise _fail(path, "max_steps", f"expected a positive integer, got {raw['max_steps']!r}")
    if not isinstance(raw["objects"], list) or not raw["objects"]:
        raise _fail(path, "objects", "expected a non-empty list")
    objects = tuple(_parse_object(path, i, o) for i, o in enumerate(raw["objects"]))
    names = [o.name for o in objects]
    if len(set(names)) != len(names):
        raise _fail(path, "objects", f"object names must be unique, got {names}")
    if not any(o.role == "MO" for o in objects):
        raise _fail(path, "objects", "at least one object must have role MO")
    variants_raw = raw.get("variants") or {}
    if not isinstance(variants_raw, Mapping) or not all(
        isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in variants_raw.values()
    ):
        raise _fail(path, "variants", "expected a mapping from variant name to a non-empty list of strings")
    variants = {key: tuple(values) for key, values in variants_raw.items()}
    allowed_fields = set(variants) | {f"{n}_color" for n in names} | set(object_variants(variants, names))
    instructions = raw["instructions"]
    if not isinstance(instructions, list) or len(instructions) < 3 or not all(isinstance(t, str) for t in instructions):
        raise _fail(path, "instructions", "expected a list of at least 3 paraphrased templates")
    for i, template in enumerate(instructions):
        bad = _template_fields(template) - allowed_fields
        if bad:
            raise _fail(
                path, f"instructions[{i}]", f"unknown placeholder(s) {sorted(bad)}; allowed: {sorted(allowed_fields)}"
            )
    try:
        predicates.check_predicate(raw["success"], set(names), "success")
    except predicates.PredicateError as error:
        raise TaskSpecError(f"{path.name}: field {error}") from None
    try:
        check_plan(raw["expert"], set(names))
    except PlanError as error:
        raise TaskSpecError(f"{path.name}: field {error}") from None
    separation = raw.get("min_separation", 0.03)
    if not isinstance(separation, int | float) or separation < 0:
        raise _fail(path, "min_separation", f"expected a non-negative number (metres), got {separation!r}")
    perturbations = raw.get("perturbations") or {}
    if not isinstance(perturbations, Mapping):
        raise _fail(path, "perturbations", f"expected a mapping from axis name to [low, high]; axes: {RANGED_AXES}")
    for axis, bounds in perturbations.items():
        if axis not in RANGED_AXES:
            raise _fail(path, f"perturbations.{axis}", f"no range to set for this axis; allowed: {list(RANGED_AXES)}")
        low, high = _range(path, f"perturbations.{axis}", bounds)
        if low <= 0:
            raise _fail(path, f"perturbations.{axis}", f"scale factors must be positive, got {bounds!r}")
    perturbations = {axis: _range(path, axis, bounds) for axis, bounds in perturbations.items()}
    _check_distinct_named_colours(path, objects, instructions, variants)
    _check_groups_and_homes(path, objects)
    displaced = _parse_displaced(path, raw.get("displaced"), variants, objects)
    video_camera = raw.get("video_camera", "front")
    if video_camera not in CAMERAS:
        raise _fail(path, "video_camera", f"got {video_camera!r}; allowed: {list(CAMERAS)}")
    return TaskSpec(
        name=raw["name"],
        description=raw["description"].strip(),
        success_conditions=raw["success_conditions"].strip(),
        max_steps=raw["max_steps"],
        objects=objects,
        instructions=tuple(instructions),
        success=raw["success"],
        expert=tuple(raw["expert"]),
        variants=variants,
        min_separation=float(separation),
        perturbations=dict(perturbations),
        video_camera=video_camera,
        displaced=displaced,
        source=str(path),
    )


def load_task_file(path: str | Path) -> TaskSpec:
    """Load and validate one task YAML file (``yaml.safe_load`` only)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise TaskSpecError(f"{path.name}: not valid YAML: {error}") from None
    return parse_task(path, raw)


@cache
def task_names() -> tuple[str, ...]:
    """Names of every task shipped in ``tasks/``, sorted."""
    return tuple(sorted(p.stem for p in task_dir().glob("*.yaml")))


@cache
def load_task(name: str) -> TaskSpec:
    """Load a shipped task by name; unknown names raise ``UnknownNameError`` listing the valid ones."""
    if name not in task_names():
        raise UnknownNameError(f"unknown task {name!r}; valid tasks: {', '.join(task_names())}")
    return load_task_file(task_dir() / f"{name}.yaml")
