"""Appearance axes: colours, textures and lighting (all applied to the compiled model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import mujoco
import numpy as np

from arena.colors import NAMED_COLORS, rgba
from arena.errors import EpisodeConfigError
from arena.geometry import quat_from_yaw, quat_to_mat
from arena.perturbations.base import Axis, ModelContext, check_range
from arena.perturbations.textures import TEXTURE_SIZE, split_indices, texture_bank
from arena.task_spec import TaskSpec

_COLOR_NAMES = tuple(NAMED_COLORS)
_RGB_ROLE = int(mujoco.mjtTextureRole.mjTEXROLE_RGB)


def object_material(obj: str) -> str:
    """Material name of a task object (one material per object, shared by its parts)."""
    return f"{obj}/material"


def object_texture(obj: str) -> str:
    """Texture slot name of a task object."""
    return f"{obj}/texture"


class _ColorAxis(Axis):
    """Each target object gets one of the 20 named colours: ``{object: colour name}``."""

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        return {obj: _COLOR_NAMES[int(rng.integers(len(_COLOR_NAMES)))] for obj in self.targets(task)}  # *U{20 names}

    def validate(self, values: Any, task: TaskSpec) -> None:
        for obj, name in self._check_targets(values, task).items():
            if name not in NAMED_COLORS:
                raise EpisodeConfigError(f"{self.name}: colour {name!r} for {obj} unknown; allowed: {_COLOR_NAMES}")

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        for obj, name in values.items():
            ctx.model.mat_rgba[ctx.model.material(object_material(obj)).id, :3] = rgba(name)[:3]


class ObjectColor(_ColorAxis):
    name: ClassVar[str] = "ObjectColor"
    roles: ClassVar[tuple[str, ...]] = ("MO",)


class ReceiverColor(_ColorAxis):
    name: ClassVar[str] = "ReceiverColor"
    roles: ClassVar[tuple[str, ...]] = ("RO",)


class TableColor(Axis):
    """Table-top colour ``{"rgb": [r, g, b]}``, each channel U(0.25, 1)."""

    name: ClassVar[str] = "TableColor"
    low, high = 0.25, 1.0

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        return {"rgb": [float(v) for v in rng.uniform(self.low, self.high, 3)]}  # rgb: U(0.25, 1)^3

    def validate(self, values: Any, task: TaskSpec) -> None:
        rgb = values.get("rgb") if isinstance(values, Mapping) else None
        if not isinstance(rgb, list) or len(rgb) != 3:
            raise EpisodeConfigError(f"{self.name}: expected {{'rgb': [r, g, b]}}, got {values!r}")
        for i, value in enumerate(rgb):
            check_range(self.name, f"rgb[{i}]", value, self.low, self.high)

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        ctx.model.mat_rgba[ctx.model.material("table").id, :3] = values["rgb"]


class Lighting(Axis):
    """Light colour (THE COLOSSEUM's RGB in [0, 0.5]^3), intensity and direction of every scene light.

    Values ``{"rgb": [r, g, b], "intensity": k, "yaw": a}``: each light's diffuse becomes its pristine diffuse
    times ``2 * rgb * k`` (so rgb = 0.5 and k = 1 leave it unchanged) and its direction turns by ``a`` radians
    about the vertical axis.
    """

    name: ClassVar[str] = "Lighting"
    rgb_range = (0.0, 0.5)
    intensity_range = (0.7, 1.4)
    yaw_range = (-0.8, 0.8)

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        return {
            "rgb": [float(v) for v in rng.uniform(*self.rgb_range, 3)],  # rgb: U(0, 0.5)^3
            "intensity": float(rng.uniform(*self.intensity_range)),  # intensity: *U(0.7, 1.4)
            "yaw": float(rng.uniform(*self.yaw_range)),  # direction: +U(-0.8, 0.8) rad about z
        }

    def validate(self, values: Any, task: TaskSpec) -> None:
        if not isinstance(values, Mapping) or set(values) != {"rgb", "intensity", "yaw"}:
            raise EpisodeConfigError(f"{self.name}: expected keys rgb, intensity, yaw, got {values!r}")
        if not isinstance(values["rgb"], list) or len(values["rgb"]) != 3:
            raise EpisodeConfigError(f"{self.name}: rgb must be 3 numbers, got {values['rgb']!r}")
        for i, value in enumerate(values["rgb"]):
            check_range(self.name, f"rgb[{i}]", value, *self.rgb_range)
        check_range(self.name, "intensity", values["intensity"], *self.intensity_range)
        check_range(self.name, "yaw", values["yaw"], *self.yaw_range)

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        model, pristine = ctx.model, ctx.pristine
        scale = 2.0 * np.asarray(values["rgb"]) * values["intensity"]
        turn = quat_to_mat(quat_from_yaw(values["yaw"]))
        model.light_diffuse[:] = pristine["light_diffuse"] * scale
        model.light_dir[:] = pristine["light_dir"] @ turn.T
        model.light_pos[:] = pristine["light_pos"] @ turn.T


class _TextureAxis(Axis):
    """Puts one texture of the bank on the targets' materials: ``{target: texture index}``."""

    def __init__(self, split: str = "test") -> None:
        self.split = split
        self._choices = split_indices(split)

    def slots(self, task: TaskSpec) -> dict[str, tuple[tuple[str, ...], str]]:
        """Target name -> (materials to texture, texture slot)."""
        return {obj: ((object_material(obj),), object_texture(obj)) for obj in self.targets(task)}

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        return {target: int(self._choices[int(rng.integers(len(self._choices)))]) for target in self.slots(task)}

    def validate(self, values: Any, task: TaskSpec) -> None:
        expected = set(self.slots(task))
        if not isinstance(values, Mapping) or set(values) != expected:
            raise EpisodeConfigError(f"{self.name}: expected values for {sorted(expected)}, got {values!r}")
        for target, index in values.items():
            if index not in self._choices:
                raise EpisodeConfigError(
                    f"{self.name}: texture {index!r} for {target} is not in the {self.split!r} split "
                    f"({len(self._choices)} textures, indices {self._choices[0]}..{self._choices[-1]})"
                )

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        model, bank = ctx.model, texture_bank()
        slots = self.slots(ctx.state.task)
        for target, index in values.items():
            materials, slot = slots[target]
            texture = model.texture(slot).id
            start = model.tex_adr[texture]
            model.tex_data[start : start + TEXTURE_SIZE * TEXTURE_SIZE * 3] = bank[index].reshape(-1)
            ctx.dirty_textures.add(texture)
            for material in materials:
                mat = model.material(material).id
                model.mat_texid[mat, _RGB_ROLE] = texture
                model.mat_rgba[mat, :3] = 1.0  # the texture replaces the colour


class ObjectTexture(_TextureAxis):
    name: ClassVar[str] = "ObjectTexture"
    roles: ClassVar[tuple[str, ...]] = ("MO",)


class ReceiverTexture(_TextureAxis):
    name: ClassVar[str] = "ReceiverTexture"
    roles: ClassVar[tuple[str, ...]] = ("RO",)


class TableTexture(_TextureAxis):
    name: ClassVar[str] = "TableTexture"

    def targets(self, task: TaskSpec) -> list[str]:
        return ["table"]

    def slots(self, task: TaskSpec) -> dict[str, tuple[tuple[str, ...], str]]:
        return {"table": (("table",), "table_texture")}


class BackgroundTexture(_TextureAxis):
    name: ClassVar[str] = "BackgroundTexture"

    def targets(self, task: TaskSpec) -> list[str]:
        return ["background"]

    def slots(self, task: TaskSpec) -> dict[str, tuple[tuple[str, ...], str]]:
        return {"background": (("wall", "floor"), "background_texture")}
