"""Spec-stage effects: object sizes and distractor toys change what is compiled."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from arena.perturbations.base import SceneEffect
from arena.sim.scene import SceneOptions
from arena.spec.axes import DistractorSet, ScaleFactors


class SizeEffect(SceneEffect):
    """ObjectSize / ReceiverSize: uniform scale of the objects' parametric shapes (mass, sites, grasps follow)."""

    def __init__(self, axis: str) -> None:
        self.axis = axis

    def edit(self, options: SceneOptions, value: ScaleFactors) -> SceneOptions:
        return dataclasses.replace(options, object_scales={**options.object_scales, **value.factors})


class DistractorsEffect(SceneEffect):
    """The placed toys become free bodies of the scene; they settle with it before the episode starts."""

    axis: ClassVar[str] = "Distractors"

    def edit(self, options: SceneOptions, value: DistractorSet) -> SceneOptions:
        return dataclasses.replace(options, distractors=value.toys)
