"""Physics axes: friction and mass of the task's objects (applied to the compiled model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from arena.axis_names import DEFAULT_RANGES
from arena.perturbations.base import Axis, ModelContext, check_range
from arena.task_spec import TaskSpec


class _ObjectScaleAxis(Axis):
    """A scale factor per MO/RO object: ``{object: factor}``."""

    roles: ClassVar[tuple[str, ...]] = ("MO", "RO")

    def value_range(self, task: TaskSpec) -> tuple[float, float]:
        return tuple(task.perturbations.get(self.name, DEFAULT_RANGES.get(self.name, (1.0, 1.0))))

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        low, high = self.value_range(task)
        return {obj: float(rng.uniform(low, high)) for obj in self.targets(task)}

    def validate(self, values: Any, task: TaskSpec) -> None:
        low, high = self.value_range(task)
        for obj, value in self._check_targets(values, task).items():
            check_range(self.name, obj, value, low, high)


class Friction(_ObjectScaleAxis):
    """Sliding friction of every geom of MO/RO objects times U(0.75, 1.0) (one factor per object).

    Object geoms have a higher contact priority than the table, so their friction is the one used against it.
    """

    name: ClassVar[str] = "Friction"

    def value_range(self, task: TaskSpec) -> tuple[float, float]:
        return (0.75, 1.0)

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        for obj, factor in values.items():
            geoms = sorted(ctx.state.object_geoms(obj))
            ctx.model.geom_friction[geoms, 0] = ctx.pristine["geom_friction"][geoms, 0] * factor  # *U(0.75, 1)


class Mass(_ObjectScaleAxis):
    """Mass (and inertia) of every moving body of MO/RO objects times a per-task factor range.

    The range comes from the task YAML (``perturbations: {Mass: [low, high]}``), default 0.5 to 2.
    """

    name: ClassVar[str] = "Mass"

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        model = ctx.model
        for obj, factor in values.items():
            bodies = sorted({int(model.geom_bodyid[g]) for g in ctx.state.object_geoms(obj)})
            bodies = [b for b in bodies if model.body_weldid[b] != 0]  # moving bodies only
            model.body_mass[bodies] = ctx.pristine["body_mass"][bodies] * factor
            model.body_inertia[bodies] = ctx.pristine["body_inertia"][bodies] * factor
        ctx.constants_changed = True
