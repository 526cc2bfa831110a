"""``EpisodeConfig``: everything that makes an episode, as plain JSON, hashable and replayable.

Random streams are split by purpose: each consumer (layout, variant, instruction, joints, colours and each
perturbation axis) draws from its own child of the episode seed (:func:`child_rng`), so adding or reordering
consumers never changes another consumer's values. :mod:`arena.spec.sampling` draws configs.
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

from arena.errors import EpisodeConfigError
from arena.spec.task import TaskSpec

#: Version of the evaluation protocol (episode sampling rules). Bump it when sampling changes.
#: v2: perturbed colours are never nominal and never shared by two named objects; toys avoid named colours.
PROTOCOL_VERSION = "v2"


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
