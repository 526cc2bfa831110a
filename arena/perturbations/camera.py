"""CameraPose: moves the external cameras (never the wrist camera)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from arena.cameras import EXTERNAL_CAMERAS
from arena.errors import EpisodeConfigError
from arena.geometry import axis_angle_to_quat, quat_mul
from arena.perturbations.base import Axis, ModelContext, check_range
from arena.task_spec import TaskSpec


class CameraPose(Axis):
    """Each external camera moves by U(-0.1, 0.1) m and turns by U(-0.05, 0.05) rad per world axis.

    Values ``{camera: {"offset": [dx, dy, dz], "rotation": [rx, ry, rz]}}`` (rotation vector, world frame).
    """

    name: ClassVar[str] = "CameraPose"
    max_offset = 0.1
    max_rotation = 0.05

    def sample(self, rng: np.random.Generator, task: TaskSpec, layout: Any = None) -> dict[str, Any]:
        return {
            camera: {
                "offset": [float(v) for v in rng.uniform(-self.max_offset, self.max_offset, 3)],  # +U(-0.1, 0.1) m
                "rotation": [float(v) for v in rng.uniform(-self.max_rotation, self.max_rotation, 3)],  # rad
            }
            for camera in EXTERNAL_CAMERAS
        }

    def validate(self, values: Any, task: TaskSpec) -> None:
        if not isinstance(values, Mapping) or set(values) != set(EXTERNAL_CAMERAS):
            raise EpisodeConfigError(
                f"{self.name}: expected values for cameras {list(EXTERNAL_CAMERAS)}, got {values!r}"
            )
        for camera, pose in values.items():
            if not isinstance(pose, Mapping) or set(pose) != {"offset", "rotation"}:
                raise EpisodeConfigError(f"{self.name}: {camera} needs 'offset' and 'rotation', got {pose!r}")
            for key, bound in (("offset", self.max_offset), ("rotation", self.max_rotation)):
                if not isinstance(pose[key], list) or len(pose[key]) != 3:
                    raise EpisodeConfigError(f"{self.name}: {camera}.{key} must be 3 numbers")
                for i, value in enumerate(pose[key]):
                    check_range(self.name, f"{camera}.{key}[{i}]", value, -bound, bound)

    def apply_model(self, ctx: ModelContext, values: Mapping[str, Any]) -> None:
        model = ctx.model
        for camera, pose in values.items():
            cam = model.camera(camera).id
            model.cam_pos[cam] = ctx.pristine["cam_pos"][cam] + pose["offset"]
            model.cam_quat[cam] = quat_mul(axis_angle_to_quat(pose["rotation"]), ctx.pristine["cam_quat"][cam])
