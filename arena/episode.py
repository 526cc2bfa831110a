"""``EpisodeConfig``: everything that makes an episode, as plain JSON, sampled from a seed or replayed.

Random streams are split by purpose: each consumer (layout, variant, instruction, joints and, later, each
perturbation axis) draws from its own child of the episode seed, so adding or reordering consumers never
changes another consumer's values.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from arena.axis_names import DEFAULT_RANGES
from arena.errors import ArenaError, EpisodeConfigError
from arena.geometry import quat_from_yaw
from arena.task_spec import TaskSpec

#: Version of the evaluation protocol (episode sampling rules). Bump it when sampling changes.
PROTOCOL_VERSION = "v1"
_MAX_PLACEMENT_TRIES = 2000


def child_rng(seed: int, stream: str) -> np.random.Generator:
    """Generator for one named consumer of an episode seed (independent of every other stream)."""
    return np.random.default_rng(np.random.SeedSequence(entropy=int(seed), spawn_key=(zlib.crc32(stream.encode()),)))


@dataclass(frozen=True)
class EpisodeConfig:
    """A frozen, JSON-serialisable record of one episode.

    Attributes:
        task: Task name.
        seed: The seed the episode was sampled from.
        axis: Perturbation axis name (``None`` for unperturbed episodes).
        protocol_version: Sampling rules the episode follows.
        variant: Discrete task choices (e.g. which drawer), name to value.
        instruction: The language instruction given to the policy.
        object_poses: Object name to initial pose ``[x, y, z, qw, qx, qy, qz]`` (metres, world frame).
        joint_positions: ``<object>/<part>`` to the initial position of that part's joint.
        perturbations: Perturbation values by axis (filled by the perturbation axes).
    """

    task: str
    seed: int
    axis: str = "None"
    protocol_version: str = PROTOCOL_VERSION
    variant: Mapping[str, str] = field(default_factory=dict)
    instruction: str = ""
    object_poses: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    joint_positions: Mapping[str, float] = field(default_factory=dict)
    perturbations: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dictionary (lists, not tuples)."""
        return json.loads(json.dumps(asdict(self)))

    def to_json(self) -> str:
        """Canonical JSON text (sorted keys, no whitespace): the same config always gives the same bytes."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), allow_nan=False)

    @property
    def config_hash(self) -> str:
        """Stable content hash: first 16 hex digits of SHA-256 over :meth:`to_json`."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> EpisodeConfig:
        """Rebuild a config from :meth:`to_dict` output; raise :class:`EpisodeConfigError` on bad fields."""
        if not isinstance(raw, Mapping):
            raise EpisodeConfigError(f"episode config must be a JSON object, got {type(raw).__name__}")
        allowed = {f.name for f in fields(cls)}
        unknown = set(raw) - allowed
        if unknown:
            raise EpisodeConfigError(f"unknown episode config field(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
        for key in ("task", "seed"):
            if key not in raw:
                raise EpisodeConfigError(f"episode config is missing required field {key!r}")
        if not isinstance(raw["seed"], int) or isinstance(raw["seed"], bool) or raw["seed"] < 0:
            raise EpisodeConfigError(f"episode config field 'seed' must be a non-negative integer, got {raw['seed']!r}")
        poses = {}
        for name, pose in dict(raw.get("object_poses", {})).items():
            if (
                not isinstance(pose, list | tuple)
                or len(pose) != 7
                or not all(isinstance(v, int | float) and math.isfinite(v) for v in pose)
            ):
                raise EpisodeConfigError(f"object_poses[{name!r}] must be 7 finite numbers [x, y, z, qw, qx, qy, qz]")
            poses[name] = tuple(float(v) for v in pose)
        values = dict(raw)
        values["object_poses"] = poses
        values["variant"] = dict(raw.get("variant", {}))
        values["joint_positions"] = {k: float(v) for k, v in dict(raw.get("joint_positions", {})).items()}
        values["perturbations"] = dict(raw.get("perturbations", {}))
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> EpisodeConfig:
        """Parse :meth:`to_json` output."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise EpisodeConfigError(f"episode config is not valid JSON: {error}") from None
        return cls.from_dict(raw)

    def validate_for(self, task: TaskSpec) -> None:
        """Raise :class:`EpisodeConfigError` unless this config can be replayed on ``task``."""
        if self.task != task.name:
            raise EpisodeConfigError(f"episode config is for task {self.task!r}, not {task.name!r}")
        expected = {o.name for o in task.objects}
        if set(self.object_poses) != expected:
            raise EpisodeConfigError(
                f"object_poses names {sorted(self.object_poses)} do not match task objects {sorted(expected)}"
            )
        for name, values in task.variants.items():
            if self.variant.get(name) not in values:
                raise EpisodeConfigError(
                    f"variant {name}={self.variant.get(name)!r} not allowed; choose from {list(values)}"
                )
        movable = {f"{o.name}/{p.name}" for o in task.objects for p in o.shape.parts() if p.joint is not None}
        unknown = set(self.joint_positions) - movable
        if unknown:
            raise EpisodeConfigError(
                f"unknown joint(s) {sorted(unknown)} in joint_positions; movable parts: {sorted(movable)}"
            )


def layout_radii(task: TaskSpec) -> dict[str, float]:
    """Footprint radius of each object at the largest scale its size axis may draw.

    Layouts are sampled with these radii, so a seed places objects at the same poses whichever axis is on:
    episodes of different axes stay paired, and no size draw can make objects overlap.
    """
    radii = {}
    for obj in task.objects:
        axis = "ObjectSize" if obj.role == "MO" else "ReceiverSize"
        largest = max(1.0, task.perturbations.get(axis, DEFAULT_RANGES[axis])[1])
        radii[obj.name] = obj.shape.scaled(largest).footprint_radius()
    return radii


def sample_layout(task: TaskSpec, seed: int) -> dict[str, tuple[float, ...]]:
    """Collision-free initial poses for the task's objects, drawn from the seed's ``layout`` stream."""
    rng = child_rng(seed, "layout")
    radii = layout_radii(task)
    placed: list[tuple[np.ndarray, float]] = []
    poses: dict[str, tuple[float, ...]] = {}
    for obj in task.objects:
        radius = radii[obj.name]
        for _ in range(_MAX_PLACEMENT_TRIES):
            xy = np.array([rng.uniform(*obj.spawn.x), rng.uniform(*obj.spawn.y)])
            yaw = rng.uniform(*obj.spawn.yaw)
            if all(np.linalg.norm(xy - other) >= radius + r + task.min_separation for other, r in placed):
                break
        else:
            raise ArenaError(
                f"task {task.name}, seed {seed}: no collision-free place for {obj.name!r} after "
                f"{_MAX_PLACEMENT_TRIES} tries; widen its spawn region or lower min_separation"
            )
        placed.append((xy, radius))
        poses[obj.name] = (float(xy[0]), float(xy[1]), 0.0, *(float(v) for v in quat_from_yaw(yaw)))
    return poses


def sample_episode(task: TaskSpec, seed: int, axis: str = "None") -> EpisodeConfig:
    """The unperturbed part of an episode (layout, variant, joints, instruction) sampled from ``seed``."""
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise EpisodeConfigError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    variant_rng = child_rng(seed, "variant")
    variant = {name: str(values[variant_rng.integers(len(values))]) for name, values in sorted(task.variants.items())}
    joint_rng = child_rng(seed, "joints")
    joints = {
        f"{obj.name}/{part}": float(joint_rng.uniform(*bounds))
        for obj in task.objects
        for part, bounds in sorted(obj.initial_joints.items())
    }
    return EpisodeConfig(
        task=task.name,
        seed=seed,
        axis=axis,
        variant=variant,
        instruction=render_instruction(instruction_template(task, seed), task, variant),
        object_poses=sample_layout(task, seed),
        joint_positions=joints,
    )


def instruction_template(task: TaskSpec, seed: int) -> str:
    """The instruction template an episode uses, drawn from the seed's ``instruction`` stream."""
    return task.instructions[int(child_rng(seed, "instruction").integers(len(task.instructions)))]


def render_instruction(
    template: str, task: TaskSpec, variant: Mapping[str, str], colors: Mapping[str, str] | None = None
) -> str:
    """Fill an instruction template with variant values and object colour names."""
    colors = colors or {}
    values = {f"{o.name}_color": colors.get(o.name, o.color) for o in task.objects}
    values.update(variant)
    return template.format_map(values)
