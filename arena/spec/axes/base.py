"""What every perturbation axis does in the spec layer: draw typed values from the episode seed, and parse
hand-written values back into the same types (refusing what the axis could never have drawn).

Applying values to a simulation is the sim layer's job (:mod:`arena.perturbations`); nothing here imports MuJoCo,
so an episode's perturbations can be sampled and checked without a GL context or a physics engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from arena.errors import EpisodeConfigError
from arena.spec.episode import child_rng
from arena.spec.task import TaskSpec


@dataclass(frozen=True)
class Footprint:
    """Where a task object starts, seen from above: centre (metres), the radius its size axis may reach, and its
    heading (radians; the object's front faces the heading plus pi, since object frames face -x)."""

    x: float
    y: float
    radius: float
    yaw: float = 0.0

    @property
    def xy(self) -> np.ndarray:
        return np.array([self.x, self.y])

    @property
    def front(self) -> np.ndarray:
        """Unit vector (world x, y) the object's front faces: where drawers slide out and handles are reached."""
        return -np.array([np.cos(self.yaw), np.sin(self.yaw)])


@dataclass(frozen=True)
class SamplingContext:
    """Everything an axis may read while drawing one episode's values.

    Attributes:
        task: The task spec.
        seed: The episode seed; each axis draws from its own child stream ``axis/<Name>``.
        layout: Object name to its initial :class:`Footprint`.
        texture_split: Texture-bank split the texture axes draw from (``test``, ``train`` or ``all``).
    """

    task: TaskSpec
    seed: int
    layout: Mapping[str, Footprint]
    texture_split: str = "test"

    def rng(self, stream: str) -> np.random.Generator:
        """The generator of one named stream of this episode's seed."""
        return child_rng(self.seed, stream)


class AxisValue(ABC):
    """A typed value of one axis for one episode; ``to_json`` gives what the EpisodeConfig stores."""

    @abstractmethod
    def to_json(self) -> Any:
        """Plain JSON (dicts, lists, str, float, int)."""


class Axis(ABC):
    """One perturbation axis in the spec layer (see module docstring)."""

    name: ClassVar[str] = ""
    #: Roles whose objects the axis perturbs; empty for scene-level axes (light, table, cameras ...).
    roles: ClassVar[tuple[str, ...]] = ()

    def targets(self, task: TaskSpec) -> list[str]:
        """Names of the task objects this axis perturbs."""
        return [o.name for o in task.objects if o.role in self.roles]

    def applicable(self, task: TaskSpec) -> bool:
        """False when the axis targets roles the task lacks."""
        return not self.roles or bool(self.targets(task))

    def rng(self, ctx: SamplingContext) -> np.random.Generator:
        """This axis's own stream of the episode seed: the same values alone or within ``All``."""
        return ctx.rng(f"axis/{self.name}")

    @abstractmethod
    def sample(self, ctx: SamplingContext) -> AxisValue:
        """Draw this axis's values for one episode."""

    @abstractmethod
    def parse(self, raw: Any, task: TaskSpec) -> AxisValue:
        """Typed values from their JSON form; raise :class:`EpisodeConfigError` naming the field and the range."""

    def fail(self, message: str) -> EpisodeConfigError:
        """An error about this axis's values."""
        return EpisodeConfigError(f"{self.name}: {message}")

    def check_targets(self, raw: Any, expected: list[str]) -> Mapping[str, Any]:
        """``raw`` as a mapping with exactly the keys ``expected``."""
        if not isinstance(raw, Mapping) or set(raw) != set(expected):
            got = sorted(raw) if isinstance(raw, Mapping) else raw
            raise self.fail(f"expected values for objects {sorted(expected)}, got {got}")
        return raw

    def number(self, where: str, value: Any, low: float, high: float) -> float:
        """``value`` as a float inside ``[low, high]``, or an error naming the field and the allowed range."""
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(f"{where} = {value!r} is out of range; allowed [{low}, {high}]")
        return float(value)

    def vector(self, where: str, value: Any, low: float, high: float, size: int = 3) -> tuple[float, ...]:
        """A list of ``size`` numbers inside ``[low, high]``."""
        if not isinstance(value, list | tuple) or len(value) != size:
            raise self.fail(f"{where} must be {size} numbers, got {value!r}")
        return tuple(self.number(f"{where}[{i}]", v, low, high) for i, v in enumerate(value))
