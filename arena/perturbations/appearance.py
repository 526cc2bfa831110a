"""Appearance effects: colours, textures and lighting, written into the compiled model."""

from __future__ import annotations

from typing import ClassVar

import mujoco
import numpy as np

from arena.geometry import quat_from_yaw, quat_to_mat
from arena.perturbations.base import ModelContext, ModelEffect
from arena.perturbations.texture_bank import texture_bank
from arena.sim import naming
from arena.spec.axes import LightSetting, ObjectColors, TableRgb, TextureChoice
from arena.spec.colors import rgba
from arena.spec.textures import TEXTURE_SIZE

_RGB_ROLE = int(mujoco.mjtTextureRole.mjTEXROLE_RGB)


class NamedColorEffect(ModelEffect):
    """ObjectColor / ReceiverColor: each object's material takes its named colour."""

    fields: ClassVar[tuple[str, ...]] = ("mat_rgba",)

    def __init__(self, axis: str) -> None:
        self.axis = axis

    def apply(self, ctx: ModelContext, value: ObjectColors) -> None:
        for obj, name in value.colors.items():
            ctx.model.mat_rgba[ctx.model.material(naming.object_material(obj)).id, :3] = rgba(name)[:3]


class TableColorEffect(ModelEffect):
    axis: ClassVar[str] = "TableColor"
    fields: ClassVar[tuple[str, ...]] = ("mat_rgba",)

    def apply(self, ctx: ModelContext, value: TableRgb) -> None:
        ctx.model.mat_rgba[ctx.model.material(naming.TABLE_MATERIAL).id, :3] = value.rgb


class TextureEffect(ModelEffect):
    """Copies a bank texture into the target's texture slot and puts it on the target's materials.

    On a task object the texture is tinted by the object's colour (MuJoCo multiplies a texture by the material
    colour), so "the red block" stays red, patterned; the table and the background show the texture as it is.
    """

    fields: ClassVar[tuple[str, ...]] = ("tex_data", "mat_texid", "mat_rgba")

    def __init__(self, axis: str) -> None:
        self.axis = axis

    @staticmethod
    def slot(target: str) -> tuple[tuple[str, ...], str, bool]:
        """Materials to texture, the texture slot, and whether the material's colour tints the texture."""
        if target == "table":
            return (naming.TABLE_MATERIAL,), naming.TABLE_TEXTURE, False
        if target == "background":
            return naming.BACKGROUND_MATERIALS, naming.BACKGROUND_TEXTURE, False
        return (naming.object_material(target),), naming.object_texture(target), True

    def apply(self, ctx: ModelContext, value: TextureChoice) -> None:
        model, bank = ctx.model, texture_bank()
        for target, index in value.textures.items():
            materials, slot, tinted = self.slot(target)
            texture = model.texture(slot).id
            start = model.tex_adr[texture]
            model.tex_data[start : start + TEXTURE_SIZE * TEXTURE_SIZE * 3] = bank[index].reshape(-1)
            ctx.dirty_textures.add(texture)
            for material in materials:
                mat = model.material(material).id
                model.mat_texid[mat, _RGB_ROLE] = texture
                if not tinted:
                    model.mat_rgba[mat, :3] = 1.0


class LightingEffect(ModelEffect):
    """Every light's diffuse times ``2 * rgb * intensity``; directions and positions turned by ``yaw`` about z."""

    axis: ClassVar[str] = "Lighting"
    fields: ClassVar[tuple[str, ...]] = ("light_diffuse", "light_dir", "light_pos")

    def apply(self, ctx: ModelContext, value: LightSetting) -> None:
        model, pristine = ctx.model, ctx.pristine
        scale = 2.0 * np.asarray(value.rgb) * value.intensity
        turn = quat_to_mat(quat_from_yaw(value.yaw))
        model.light_diffuse[:] = pristine["light_diffuse"] * scale
        model.light_dir[:] = pristine["light_dir"] @ turn.T
        model.light_pos[:] = pristine["light_pos"] @ turn.T
