"""CameraPose effect: moves and turns the external cameras (never the wrist camera)."""

from __future__ import annotations

from typing import ClassVar

from arena.geometry import axis_angle_to_quat, quat_mul
from arena.perturbations.base import ModelContext, ModelEffect
from arena.spec.axes import CameraOffsets


class CameraPoseEffect(ModelEffect):
    axis: ClassVar[str] = "CameraPose"
    fields: ClassVar[tuple[str, ...]] = ("cam_pos", "cam_quat")

    def apply(self, ctx: ModelContext, value: CameraOffsets) -> None:
        model = ctx.model
        for camera, pose in value.cameras.items():
            cam = model.camera(camera).id
            model.cam_pos[cam] = ctx.pristine["cam_pos"][cam] + pose.offset
            model.cam_quat[cam] = quat_mul(axis_angle_to_quat(pose.rotation), ctx.pristine["cam_quat"][cam])
