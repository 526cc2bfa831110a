"""Colour axes: ObjectColor, ReceiverColor (named colours) and TableColor (free RGB).

Benchmark validity rules, held here for every seed:

- a perturbed colour is never the object's nominal colour (so the episode differs from its unperturbed twin);
- no two task objects ever share a colour, alone or under ``All`` (so a colour word names one object);
- distractor toys never take a task object's nominal or perturbed colour (:func:`reserved_colours`).

To keep each axis's values the same alone and within ``All``, the perturbed colours of *all* task objects are
drawn together from one stream of the seed (``colors``): each object takes a colour that is nobody's nominal
colour and not yet taken. ObjectColor then reads the MO entries and ReceiverColor the RO entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from arena.spec.axes.base import Axis, AxisValue, SamplingContext
from arena.spec.colors import NAMED_COLORS
from arena.spec.episode import child_rng
from arena.spec.task import TaskSpec

COLOR_NAMES: tuple[str, ...] = tuple(NAMED_COLORS)


def perturbed_colours(task: TaskSpec, seed: int) -> dict[str, str]:
    """The colour each task object takes when its colour axis is on (see module docstring)."""
    rng = child_rng(seed, "colors")
    taken = {obj.color for obj in task.objects}
    drawn: dict[str, str] = {}
    for obj in task.objects:
        choices = [name for name in COLOR_NAMES if name not in taken]
        drawn[obj.name] = choices[int(rng.integers(len(choices)))]  # *U{named colours nobody has or took}
        taken.add(drawn[obj.name])
    return drawn


def reserved_colours(task: TaskSpec, seed: int) -> frozenset[str]:
    """Colours no distractor may take: every task object's nominal colour and its perturbed colour."""
    return frozenset({obj.color for obj in task.objects} | set(perturbed_colours(task, seed).values()))


@dataclass(frozen=True)
class ObjectColors(AxisValue):
    """Object name to colour name."""

    colors: Mapping[str, str]

    def to_json(self) -> dict[str, str]:
        return dict(self.colors)


class _NamedColorAxis(Axis):
    """Each target object gets its entry of :func:`perturbed_colours`: ``{object: colour name}``."""

    def sample(self, ctx: SamplingContext) -> ObjectColors:
        drawn = perturbed_colours(ctx.task, ctx.seed)
        return ObjectColors({name: drawn[name] for name in self.targets(ctx.task)})

    def parse(self, raw: Any, task: TaskSpec) -> ObjectColors:
        values = self.check_targets(raw, self.targets(task))
        for obj, name in values.items():
            if name not in NAMED_COLORS:
                raise self.fail(f"colour {name!r} for {obj} unknown; allowed: {', '.join(COLOR_NAMES)}")
            if name == task.object(obj).color:
                raise self.fail(f"colour {name!r} for {obj} is its nominal colour; a perturbed colour must differ")
        return ObjectColors(dict(values))


class ObjectColor(_NamedColorAxis):
    name: ClassVar[str] = "ObjectColor"
    roles: ClassVar[tuple[str, ...]] = ("MO",)


class ReceiverColor(_NamedColorAxis):
    name: ClassVar[str] = "ReceiverColor"
    roles: ClassVar[tuple[str, ...]] = ("RO",)


@dataclass(frozen=True)
class TableRgb(AxisValue):
    """Table-top colour, RGB in [0, 1]."""

    rgb: tuple[float, float, float]

    def to_json(self) -> dict[str, list[float]]:
        return {"rgb": list(self.rgb)}


class TableColor(Axis):
    """Table-top colour ``{"rgb": [r, g, b]}``, each channel U(0.25, 1) (THE COLOSSEUM's range)."""

    name: ClassVar[str] = "TableColor"
    low, high = 0.25, 1.0

    def sample(self, ctx: SamplingContext) -> TableRgb:
        return TableRgb(tuple(float(v) for v in self.rng(ctx).uniform(self.low, self.high, 3)))  # rgb: U(0.25, 1)^3

    def parse(self, raw: Any, task: TaskSpec) -> TableRgb:
        if not isinstance(raw, Mapping) or set(raw) != {"rgb"}:
            raise self.fail(f"expected {{'rgb': [r, g, b]}}, got {raw!r}")
        return TableRgb(self.vector("rgb", raw["rgb"], self.low, self.high))
