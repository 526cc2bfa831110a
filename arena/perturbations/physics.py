"""Physics effects: friction and mass of the task's objects, written into the compiled model."""

from __future__ import annotations

from typing import ClassVar

from arena.perturbations.base import ModelContext, ModelEffect
from arena.spec.axes import ScaleFactors


class FrictionEffect(ModelEffect):
    """Sliding friction of every geom of an object times its factor.

    Object geoms have a higher contact priority than the table, so their friction is the one used against it.
    """

    axis: ClassVar[str] = "Friction"
    fields: ClassVar[tuple[str, ...]] = ("geom_friction",)

    def apply(self, ctx: ModelContext, value: ScaleFactors) -> None:
        for obj, factor in value.factors.items():
            geoms = sorted(ctx.state.object_geoms(obj))
            ctx.model.geom_friction[geoms, 0] = ctx.pristine["geom_friction"][geoms, 0] * factor  # *U(0.75, 1)


class MassEffect(ModelEffect):
    """Mass and inertia of every moving body of an object times its factor (then ``mj_setConst``)."""

    axis: ClassVar[str] = "Mass"
    fields: ClassVar[tuple[str, ...]] = ("body_mass", "body_inertia")

    def apply(self, ctx: ModelContext, value: ScaleFactors) -> None:
        model = ctx.model
        for obj, factor in value.factors.items():
            bodies = sorted({int(model.geom_bodyid[g]) for g in ctx.state.object_geoms(obj)})
            bodies = [b for b in bodies if model.body_weldid[b] != 0]  # moving bodies only
            model.body_mass[bodies] = ctx.pristine["body_mass"][bodies] * factor
            model.body_inertia[bodies] = ctx.pristine["body_inertia"][bodies] * factor
        ctx.constants_changed = True
