"""The sim side of the 14 perturbation axes: one effect per axis, applied to a scene or a compiled model.

The spec side (drawing and parsing values) is :mod:`arena.spec.axes`. Effects run in report order, spec-stage
ones before compiling and model-stage ones after; :data:`PERTURBED_MODEL_FIELDS` (what is restored from pristine
copies before every episode) is the union of what the model-stage effects declare.
"""

from __future__ import annotations

from collections.abc import Mapping

from arena.perturbations.appearance import LightingEffect, NamedColorEffect, TableColorEffect, TextureEffect
from arena.perturbations.base import ModelContext, ModelEffect, SceneEffect
from arena.perturbations.camera import CameraPoseEffect
from arena.perturbations.physics import FrictionEffect, MassEffect
from arena.perturbations.scene_stage import DistractorsEffect, SizeEffect
from arena.sim.scene import SceneOptions
from arena.spec.axes import AxisValue
from arena.spec.axis_names import PERTURBATION_AXES

#: The effect of every axis, in report order.
EFFECTS: dict[str, SceneEffect | ModelEffect] = {
    effect.axis: effect
    for effect in (
        NamedColorEffect("ObjectColor"),
        NamedColorEffect("ReceiverColor"),
        TextureEffect("ObjectTexture"),
        TextureEffect("ReceiverTexture"),
        SizeEffect("ObjectSize"),
        SizeEffect("ReceiverSize"),
        LightingEffect(),
        TableColorEffect(),
        TextureEffect("TableTexture"),
        TextureEffect("BackgroundTexture"),
        DistractorsEffect(),
        CameraPoseEffect(),
        FrictionEffect(),
        MassEffect(),
    )
}
if tuple(EFFECTS) != PERTURBATION_AXES:  # pragma: no cover - developer error
    raise ImportError(f"effects {tuple(EFFECTS)} out of step with PERTURBATION_AXES {PERTURBATION_AXES}")

#: Compiled-model fields the model-stage effects write, derived from their declarations.
PERTURBED_MODEL_FIELDS: tuple[str, ...] = tuple(
    sorted({name for effect in EFFECTS.values() if isinstance(effect, ModelEffect) for name in effect.fields})
)


def stage(axis: str) -> str:
    """``spec`` when the axis changes what is compiled, ``model`` when it edits the compiled model."""
    return "spec" if isinstance(EFFECTS[axis], SceneEffect) else "model"


def scene_options(values: Mapping[str, AxisValue]) -> SceneOptions:
    """The spec stage: scene options with every spec-stage axis's value applied (report order)."""
    options = SceneOptions()
    for name in PERTURBATION_AXES:
        effect = EFFECTS[name]
        if name in values and isinstance(effect, SceneEffect):
            options = effect.edit(options, values[name])
    return options


def apply_model_stage(ctx: ModelContext, values: Mapping[str, AxisValue]) -> None:
    """The model stage: every model-stage axis's value written into ``ctx.model`` (report order)."""
    for name in PERTURBATION_AXES:
        effect = EFFECTS[name]
        if name in values and isinstance(effect, ModelEffect):
            effect.apply(ctx, values[name])


__all__ = [
    "EFFECTS",
    "PERTURBED_MODEL_FIELDS",
    "ModelContext",
    "ModelEffect",
    "SceneEffect",
    "apply_model_stage",
    "scene_options",
    "stage",
]
