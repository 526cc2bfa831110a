"""Texture axes: a texture of the bank on the task objects, the table, or the walls and floor.

Values ``{target: texture index}``. Sampling draws from the env's split (``test`` by default, the held-out
textures); a hand-written value may name any texture of the bank. On task objects the texture is tinted by the
object's colour, so the colour word of the instruction stays true (see :mod:`arena.perturbations.appearance`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from arena.spec.axes.base import Axis, AxisValue, SamplingContext
from arena.spec.task import TaskSpec
from arena.spec.textures import BANK_SIZE, split_indices


@dataclass(frozen=True)
class TextureChoice(AxisValue):
    """Target (object name, ``table`` or ``background``) to texture index."""

    textures: Mapping[str, int]

    def to_json(self) -> dict[str, int]:
        return dict(self.textures)


class _TextureAxis(Axis):
    def texture_targets(self, task: TaskSpec) -> list[str]:
        """What gets a texture: the role's objects, or a scene surface."""
        return self.targets(task)

    def sample(self, ctx: SamplingContext) -> TextureChoice:
        choices = split_indices(ctx.texture_split)
        rng = self.rng(ctx)
        return TextureChoice({t: int(choices[int(rng.integers(len(choices)))]) for t in self.texture_targets(ctx.task)})

    def parse(self, raw: Any, task: TaskSpec) -> TextureChoice:
        values = self.check_targets(raw, self.texture_targets(task))
        for target, index in values.items():
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < BANK_SIZE:
                raise self.fail(f"texture {index!r} for {target} is not in the bank (indices 0..{BANK_SIZE - 1})")
        return TextureChoice(dict(values))


class ObjectTexture(_TextureAxis):
    name: ClassVar[str] = "ObjectTexture"
    roles: ClassVar[tuple[str, ...]] = ("MO",)


class ReceiverTexture(_TextureAxis):
    name: ClassVar[str] = "ReceiverTexture"
    roles: ClassVar[tuple[str, ...]] = ("RO",)


class TableTexture(_TextureAxis):
    name: ClassVar[str] = "TableTexture"

    def texture_targets(self, task: TaskSpec) -> list[str]:
        return ["table"]


class BackgroundTexture(_TextureAxis):
    name: ClassVar[str] = "BackgroundTexture"

    def texture_targets(self, task: TaskSpec) -> list[str]:
        return ["background"]
