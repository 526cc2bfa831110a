"""The perturbation-axis interface.

An axis samples plain JSON values from its own random stream, validates hand-written values against its
ranges, and applies them either to the scene description before compiling (``stage = "spec"``: sizes,
distractors) or to the compiled model (``stage = "model"``: colours, textures, light, cameras, friction,
mass). Model-stage axes always write relative to the pristine compiled values the env restores before each
episode, so applying twice equals applying once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import mujoco
import numpy as np

from arena.errors import ArenaError, EpisodeConfigError
from arena.scene_state import SceneState
from arena.task_spec import TaskSpec


class AxisNotApplicableError(ArenaError, ValueError):
    """The axis targets a role (MO or RO) the task does not have."""


@dataclass
class ModelContext:
    """What a model-stage axis may touch: the compiled model, its pristine values, name lookups.

    Attributes:
        model: The compiled scene (edited in place).
        pristine: Copies of the model fields axes edit, taken right after compiling.
        state: Name lookups for the task's objects.
        dirty_textures: Texture ids whose pixels changed and must be re-uploaded to the renderer.
        constants_changed: Set when masses changed, so the env calls ``mj_setConst``.
    """

    model: mujoco.MjModel
    pristine: Mapping[str, np.ndarray]
    state: SceneState
    dirty_textures: set[int] = field(default_factory=set)
    constants_changed: bool = False


def check_range(axis: str, where: str, value: Any, low: float, high: float) -> float:
    """Return ``value`` as a float, or raise naming the axis, the field and the allowed range."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise EpisodeConfigError(f"{axis}: {where} = {value!r} is out of range; allowed [{low}, {high}]")
    return float(value)


class Axis:
    """Base class of the perturbation axes (see module docstring)."""

    name: ClassVar[str] = ""
    stage: ClassVar[str] = "model"
    #: Roles whose objects the axis perturbs; empty for scene-level axes (light, table, cameras ...).
    roles: ClassVar[tuple[str, ...]] = ()

    def targets(self, task: TaskSpec) -> list[str]:
        """Names of the task objects this axis perturbs."""
        return [o.name for o in task.objects if o.role in self.roles]

    def applicable(self, task: TaskSpec) -> bool:
        """False when the axis targets roles the task lacks."""
        return not self.roles or bool(self.targets(task))

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        """Draw this axis's values for one episode (plain JSON).

        ``layout`` maps object names to (initial pose, footprint radius); axes that place things need it.
        """
        raise NotImplementedError

    def validate(self, values: Any, task: TaskSpec) -> None:
        """Raise :class:`EpisodeConfigError` unless ``values`` could have been sampled for ``task``."""
        raise NotImplementedError

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        """Write the values into the compiled model (model-stage axes)."""

    def scene_options(self, values: Mapping[str, Any], task: TaskSpec) -> dict[str, Any]:
        """Spec-stage contribution to the scene description (spec-stage axes)."""
        return {}

    def _check_targets(self, values: Any, task: TaskSpec) -> Mapping[str, Any]:
        expected = set(self.targets(task))
        if not isinstance(values, Mapping) or set(values) != expected:
            got = sorted(values) if isinstance(values, Mapping) else values
            raise EpisodeConfigError(f"{self.name}: expected values for objects {sorted(expected)}, got {got}")
        return values
