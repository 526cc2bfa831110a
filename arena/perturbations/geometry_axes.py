"""Spec-stage axes: object sizes and distractor toys (the scene is rebuilt and recompiled)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from arena.colors import NAMED_COLORS
from arena.errors import EpisodeConfigError
from arena.perturbations.base import Axis, check_range
from arena.perturbations.physics import _ObjectScaleAxis
from arena.perturbations.toys import make_toy, primitives_from_json, primitives_to_json
from arena.task_spec import TaskSpec

#: Table area where distractors may stand (metres, robot frame): reachable and in every camera's view.
DISTRACTOR_AREA = ((0.3, 0.72), (-0.38, 0.38))
#: Clearance (metres) between a distractor and task objects or their keep-clear corridors (THE COLOSSEUM: 0.05).
DISTRACTOR_CLEARANCE = 0.05
_TRIES_PER_TOY = 200


class ObjectSize(_ObjectScaleAxis):
    """Uniform scale of the MO objects' parametric shapes (collision, mass, sites and grasps all follow)."""

    name: ClassVar[str] = "ObjectSize"
    roles: ClassVar[tuple[str, ...]] = ("MO",)
    stage: ClassVar[str] = "spec"

    def scene_options(self, values: Mapping[str, Any], task: TaskSpec) -> dict[str, Any]:
        return {"object_scales": dict(values)}


class ReceiverSize(ObjectSize):
    """Uniform scale of the RO objects' parametric shapes."""

    name: ClassVar[str] = "ReceiverSize"
    roles: ClassVar[tuple[str, ...]] = ("RO",)


def _segment_distance(point: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    direction = end - start
    length2 = float(direction @ direction)
    t = 0.0 if length2 == 0 else float(np.clip((point - start) @ direction / length2, 0.0, 1.0))
    return float(np.linalg.norm(point - (start + t * direction)))


class Distractors(Axis):
    """One to four toys placed collision-free on the free part of the table, settled before the episode.

    Toys keep :data:`DISTRACTOR_CLEARANCE` from every task object's footprint, from the corridors between task
    objects (pushing and carrying paths) and from the approach lane between each object and the robot. When a
    toy finds no room after 200 tries it is left out: ``requested`` records the drawn count and ``toys`` the
    placed ones, so a reduced count is visible in the EpisodeConfig, never a silent overlap.

    Values ``{"requested": n, "toys": [{"color": name, "x": m, "y": m, "yaw": rad, "radius": m,
    "primitives": [...]}]}``.
    """

    name: ClassVar[str] = "Distractors"
    stage: ClassVar[str] = "spec"
    count_range = (1, 4)

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        if layout is None:
            raise EpisodeConfigError(f"{self.name}: sampling needs the episode layout")
        requested = int(rng.integers(self.count_range[0], self.count_range[1] + 1))  # count: U{1..4}
        obstacles = [(np.array(pose[:2]), radius) for pose, radius in layout.values()]
        corridors = [(a, b) for i, (a, _) in enumerate(obstacles) for b, _ in obstacles[i + 1 :]]
        corridors += [(xy, np.array([0.25, xy[1]])) for xy, _ in obstacles]  # approach lanes toward the robot
        widest = max((r for _, r in obstacles), default=0.0)
        toys: list[dict[str, Any]] = []
        for _ in range(requested):
            primitives, radius = make_toy(rng)
            color = list(NAMED_COLORS)[int(rng.integers(len(NAMED_COLORS)))]
            for _ in range(_TRIES_PER_TOY):
                xy = np.array([rng.uniform(*DISTRACTOR_AREA[0]), rng.uniform(*DISTRACTOR_AREA[1])])
                clear = all(np.linalg.norm(xy - c) >= r + radius + DISTRACTOR_CLEARANCE for c, r in obstacles)
                clear = clear and all(
                    _segment_distance(xy, a, b) >= widest + radius + DISTRACTOR_CLEARANCE for a, b in corridors
                )
                if clear:
                    yaw = float(rng.uniform(-np.pi, np.pi))
                    toys.append(
                        {
                            "color": color,
                            "x": float(xy[0]),
                            "y": float(xy[1]),
                            "yaw": yaw,
                            "radius": float(radius),
                            "primitives": primitives_to_json(primitives),
                        }
                    )
                    obstacles.append((xy, radius))
                    break
        return {"requested": requested, "toys": toys}

    def validate(self, values: Any, task: TaskSpec) -> None:
        if not isinstance(values, Mapping) or set(values) != {"requested", "toys"}:
            raise EpisodeConfigError(f"{self.name}: expected keys requested, toys, got {values!r}")
        check_range(self.name, "requested", values["requested"], *self.count_range)
        if not isinstance(values["toys"], list) or len(values["toys"]) > values["requested"]:
            raise EpisodeConfigError(f"{self.name}: toys must be a list of at most 'requested' ({values['requested']})")
        for i, toy in enumerate(values["toys"]):
            if toy.get("color") not in NAMED_COLORS:
                raise EpisodeConfigError(f"{self.name}: toys[{i}].color {toy.get('color')!r} is not a named colour")
            check_range(self.name, f"toys[{i}].x", toy.get("x"), *DISTRACTOR_AREA[0])
            check_range(self.name, f"toys[{i}].y", toy.get("y"), *DISTRACTOR_AREA[1])
            try:
                primitives_from_json(toy["primitives"])
            except (KeyError, TypeError) as error:
                raise EpisodeConfigError(f"{self.name}: toys[{i}].primitives malformed: {error}") from None

    def scene_options(self, values: Mapping[str, Any], task: TaskSpec) -> dict[str, Any]:
        return {"distractors": list(values["toys"])}
