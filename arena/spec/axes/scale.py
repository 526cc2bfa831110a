"""Axes that scale something of each MO/RO object by a factor: ObjectSize, ReceiverSize, Friction, Mass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from arena.spec.axes.base import Axis, AxisValue, SamplingContext
from arena.spec.task import TaskSpec


@dataclass(frozen=True)
class ScaleFactors(AxisValue):
    """Object name to a positive scale factor."""

    factors: Mapping[str, float]

    def to_json(self) -> dict[str, float]:
        return dict(self.factors)


class _ScaleAxis(Axis):
    """A factor per target object, uniform in :meth:`value_range`: ``{object: factor}``."""

    roles: ClassVar[tuple[str, ...]] = ("MO", "RO")
    #: Whether objects with ``scale_with`` share their group's factor (the size axes) or get their own.
    grouped: ClassVar[bool] = False

    def value_range(self, task: TaskSpec) -> tuple[float, float]:
        """The factor range on ``task`` (per task for the ranged axes)."""
        return task.axis_range(self.name)

    def sample(self, ctx: SamplingContext) -> ScaleFactors:
        low, high = self.value_range(ctx.task)
        rng = self.rng(ctx)
        factors: dict[str, float] = {}
        for obj in self.targets(ctx.task):
            leader = ctx.task.scale_leader(obj) if self.grouped else obj
            # one draw per group: a member copies its leader's factor (the leader comes first in the task file)
            factors[obj] = factors[leader] if leader != obj else float(rng.uniform(low, high))
        return ScaleFactors(factors)

    def parse(self, raw: Any, task: TaskSpec) -> ScaleFactors:
        low, high = self.value_range(task)
        values = self.check_targets(raw, self.targets(task))
        factors = {obj: self.number(obj, value, low, high) for obj, value in values.items()}
        if self.grouped:
            for obj, factor in factors.items():
                leader = task.scale_leader(obj)
                if factors[leader] != factor:
                    raise self.fail(
                        f"{obj} = {factor!r} differs from {leader} = {factors[leader]!r}; {obj} scales with {leader} "
                        "(one factor per group)"
                    )
        return ScaleFactors(factors)


class ObjectSize(_ScaleAxis):
    """Uniform scale of the MO objects' parametric shapes (collision, mass, sites and grasps all follow)."""

    name: ClassVar[str] = "ObjectSize"
    roles: ClassVar[tuple[str, ...]] = ("MO",)
    grouped: ClassVar[bool] = True


class ReceiverSize(_ScaleAxis):
    """Uniform scale of the RO objects' parametric shapes."""

    name: ClassVar[str] = "ReceiverSize"
    roles: ClassVar[tuple[str, ...]] = ("RO",)
    grouped: ClassVar[bool] = True


class Friction(_ScaleAxis):
    """Sliding friction of MO/RO objects times U(0.75, 1.0) (THE COLOSSEUM's range), one factor per object."""

    name: ClassVar[str] = "Friction"

    def value_range(self, task: TaskSpec) -> tuple[float, float]:
        return (0.75, 1.0)


class Mass(_ScaleAxis):
    """Mass and inertia of MO/RO objects times a per-task factor (``perturbations: {Mass: [low, high]}``)."""

    name: ClassVar[str] = "Mass"
