"""How a perturbation reaches a simulation: the two kinds of effect, one per axis.

dm_control's composer separates editing the model description (``initialize_episode_mjcf``) from editing the
compiled physics (``initialize_episode``); Arena's effects do the same:

- a :class:`SceneEffect` edits the typed :class:`~arena.sim.scene.SceneOptions` before compiling (sizes,
  distractors): the scene is rebuilt when the options change;
- a :class:`ModelEffect` writes into the compiled ``MjModel`` (colours, textures, light, cameras, friction, mass)
  and declares the model fields it writes in ``fields``. Those fields are copied right after compiling and
  restored before every episode, so an effect always writes relative to pristine values: applying twice equals
  applying once, and nothing leaks into the next episode. The restore list is derived from the declarations.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import mujoco
import numpy as np

from arena.sim.scene import SceneOptions
from arena.sim.scene_state import SceneState


@dataclass
class ModelContext:
    """What a model-stage effect may touch: the compiled model, its pristine values, name lookups.

    Attributes:
        model: The compiled scene (edited in place).
        pristine: Copies of the declared model fields, taken right after compiling.
        state: Name lookups for the task's objects.
        dirty_textures: Texture ids whose pixels changed and must be re-uploaded to the renderer.
        constants_changed: Set when masses changed, so the simulation calls ``mj_setConst``.
    """

    model: mujoco.MjModel
    pristine: Mapping[str, np.ndarray]
    state: SceneState
    dirty_textures: set[int] = field(default_factory=set)
    constants_changed: bool = False


class SceneEffect(ABC):
    """A spec-stage effect: changes what is compiled."""

    axis: ClassVar[str] = ""

    @abstractmethod
    def edit(self, options: SceneOptions, value: Any) -> SceneOptions:
        """The scene options with this axis's value applied."""


class ModelEffect(ABC):
    """A model-stage effect: writes the fields it declares into the compiled model."""

    axis: ClassVar[str] = ""
    #: ``MjModel`` fields this effect writes (restored from pristine copies before every episode).
    fields: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def apply(self, ctx: ModelContext, value: Any) -> None:
        """Write the value into ``ctx.model``, relative to ``ctx.pristine``."""
