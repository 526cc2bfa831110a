"""Distractors: one to four printable toys placed collision-free on the free part of the table.

Toys keep :data:`DISTRACTOR_CLEARANCE` from every task object's footprint, from the corridors between task
objects (pushing and carrying paths), from the approach lane between each object and the robot, and from the lane
in front of each object (its footprint swept :data:`FRONT_LANE` forward: drawers slide out, handles are reached).
Corridors and approach lanes are as wide as what travels along them: the largest loose task object or the hand
(:data:`HAND_HALF_WIDTH`), whichever is wider; a large fixed receiver (a safe, a chess board) widens only its own
footprint and front lane, so its task keeps room for toys. The first toy gets :data:`_TRIES_FIRST_TOY` tries, so
every episode of the axis has at least one toy (tested for every task) and differs from its unperturbed twin.
A toy never takes a colour of a task object, nominal or perturbed
(:func:`~arena.spec.axes.colors.reserved_colours`), so a colour word of the instruction names one object. When a
toy finds no room after 200 tries it is left out: ``requested`` records the drawn count and ``toys`` the placed
ones, so a reduced count is visible in the EpisodeConfig, never a silent overlap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from arena.errors import ShapeError
from arena.objects import Primitive
from arena.objects.toys import draw_toy, primitives_from_json, primitives_to_json
from arena.spec.axes.base import Axis, AxisValue, SamplingContext
from arena.spec.axes.colors import COLOR_NAMES, reserved_colours
from arena.spec.colors import NAMED_COLORS
from arena.spec.task import TaskSpec

#: Table area where distractors may stand (metres, robot frame): reachable and in every camera's view.
DISTRACTOR_AREA = ((0.3, 0.72), (-0.38, 0.38))
#: Clearance (metres) between a distractor and task objects or their keep-clear corridors (THE COLOSSEUM: 0.05).
DISTRACTOR_CLEARANCE = 0.05
#: Robot-side end of each object's approach lane (x, metres).
APPROACH_LANE_X = 0.25
#: How far (metres) an object's footprint is swept forward to make the lane in front of it.
FRONT_LANE = 0.2
#: Half width (metres) of the hand and wrist passing along a lane.
HAND_HALF_WIDTH = 0.06
_TRIES_PER_TOY = 200
_TRIES_FIRST_TOY = 5000


@dataclass(frozen=True)
class PlacedToy:
    """One toy on the table: colour name, position (metres), yaw (radians), footprint radius, primitives."""

    color: str
    x: float
    y: float
    yaw: float
    radius: float
    primitives: tuple[Primitive, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "color": self.color,
            "x": self.x,
            "y": self.y,
            "yaw": self.yaw,
            "radius": self.radius,
            "primitives": primitives_to_json(self.primitives),
        }


@dataclass(frozen=True)
class DistractorSet(AxisValue):
    """How many toys were drawn, and the ones that found room."""

    requested: int
    toys: tuple[PlacedToy, ...]

    def to_json(self) -> dict[str, Any]:
        return {"requested": self.requested, "toys": [toy.to_json() for toy in self.toys]}


def _segment_distance(point: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    direction = end - start
    length2 = float(direction @ direction)
    t = 0.0 if length2 == 0 else float(np.clip((point - start) @ direction / length2, 0.0, 1.0))
    return float(np.linalg.norm(point - (start + t * direction)))


class Distractors(Axis):
    """Values ``{"requested": n, "toys": [{"color", "x", "y", "yaw", "radius", "primitives"}]}``."""

    name: ClassVar[str] = "Distractors"
    count_range = (1, 4)

    def sample(self, ctx: SamplingContext) -> DistractorSet:
        rng = self.rng(ctx)
        reserved = reserved_colours(ctx.task, ctx.seed)
        palette = [name for name in COLOR_NAMES if name not in reserved]
        requested = int(rng.integers(self.count_range[0], self.count_range[1] + 1))  # count: U{1..4}
        obstacles = [(footprint.xy, footprint.radius) for footprint in ctx.layout.values()]
        loose = [f.radius for name, f in ctx.layout.items() if ctx.task.object(name).shape.free]
        travelling = max([HAND_HALF_WIDTH, *loose])
        # Keep-clear lanes (start, end, half width): carrying/pushing paths between objects, the approach toward the
        # robot, and the object's own footprint swept forward (drawers sliding out, handles being reached).
        lanes = [(a, b, travelling) for i, (a, _) in enumerate(obstacles) for b, _ in obstacles[i + 1 :]]
        lanes += [(xy, np.array([APPROACH_LANE_X, xy[1]]), travelling) for xy, _ in obstacles]
        lanes += [(f.xy, f.xy + f.front * FRONT_LANE, f.radius) for f in ctx.layout.values()]
        toys: list[PlacedToy] = []
        for index in range(requested):
            primitives, radius, color = draw_toy(rng, palette)
            for _ in range(_TRIES_FIRST_TOY if index == 0 else _TRIES_PER_TOY):
                xy = np.array([rng.uniform(*DISTRACTOR_AREA[0]), rng.uniform(*DISTRACTOR_AREA[1])])
                clear = all(np.linalg.norm(xy - c) >= r + radius + DISTRACTOR_CLEARANCE for c, r in obstacles)
                clear = clear and all(
                    _segment_distance(xy, a, b) >= half + radius + DISTRACTOR_CLEARANCE for a, b, half in lanes
                )
                if clear:
                    yaw = float(rng.uniform(-np.pi, np.pi))
                    toys.append(PlacedToy(color, float(xy[0]), float(xy[1]), yaw, float(radius), tuple(primitives)))
                    obstacles.append((xy, radius))
                    break
        return DistractorSet(requested, tuple(toys))

    def parse(self, raw: Any, task: TaskSpec) -> DistractorSet:
        if not isinstance(raw, Mapping) or set(raw) != {"requested", "toys"}:
            raise self.fail(f"expected keys requested, toys, got {raw!r}")
        requested = int(self.number("requested", raw["requested"], *self.count_range))
        if not isinstance(raw["toys"], list) or len(raw["toys"]) > requested:
            raise self.fail(f"toys must be a list of at most 'requested' ({requested})")
        toys = []
        for i, toy in enumerate(raw["toys"]):
            if not isinstance(toy, Mapping):
                raise self.fail(f"toys[{i}] must be a mapping, got {toy!r}")
            if toy.get("color") not in NAMED_COLORS:
                raise self.fail(f"toys[{i}].color {toy.get('color')!r} is not a named colour")
            try:
                primitives = primitives_from_json(toy["primitives"])
            except (KeyError, TypeError, ShapeError) as error:
                raise self.fail(f"toys[{i}].primitives malformed: {error}") from None
            toys.append(
                PlacedToy(
                    color=toy["color"],
                    x=self.number(f"toys[{i}].x", toy.get("x"), *DISTRACTOR_AREA[0]),
                    y=self.number(f"toys[{i}].y", toy.get("y"), *DISTRACTOR_AREA[1]),
                    yaw=self.number(f"toys[{i}].yaw", toy.get("yaw"), -np.pi, np.pi),
                    radius=self.number(f"toys[{i}].radius", toy.get("radius"), 0.0, 0.2),
                    primitives=primitives,
                )
            )
        return DistractorSet(requested, tuple(toys))
