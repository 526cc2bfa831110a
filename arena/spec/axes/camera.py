"""CameraPose: moves the external cameras (never the wrist camera)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from arena.spec.axes.base import Axis, AxisValue, SamplingContext
from arena.spec.cameras import EXTERNAL_CAMERAS
from arena.spec.task import TaskSpec


@dataclass(frozen=True)
class CameraOffset:
    """A camera's displacement (metres, world frame) and turn (rotation vector, radians, world frame)."""

    offset: tuple[float, float, float]
    rotation: tuple[float, float, float]


@dataclass(frozen=True)
class CameraOffsets(AxisValue):
    """External camera name to its :class:`CameraOffset`."""

    cameras: Mapping[str, CameraOffset]

    def to_json(self) -> dict[str, Any]:
        return {name: {"offset": list(c.offset), "rotation": list(c.rotation)} for name, c in self.cameras.items()}


class CameraPose(Axis):
    """Each external camera moves by U(-0.1, 0.1) m and turns by U(-0.05, 0.05) rad per world axis.

    Values ``{camera: {"offset": [dx, dy, dz], "rotation": [rx, ry, rz]}}``.
    """

    name: ClassVar[str] = "CameraPose"
    max_offset = 0.1
    max_rotation = 0.05

    def sample(self, ctx: SamplingContext) -> CameraOffsets:
        rng = self.rng(ctx)
        cameras = {}
        for camera in EXTERNAL_CAMERAS:
            offset = tuple(float(v) for v in rng.uniform(-self.max_offset, self.max_offset, 3))  # +U(-0.1, 0.1) m
            rotation = tuple(float(v) for v in rng.uniform(-self.max_rotation, self.max_rotation, 3))  # rad
            cameras[camera] = CameraOffset(offset, rotation)
        return CameraOffsets(cameras)

    def parse(self, raw: Any, task: TaskSpec) -> CameraOffsets:
        if not isinstance(raw, Mapping) or set(raw) != set(EXTERNAL_CAMERAS):
            raise self.fail(f"expected values for cameras {list(EXTERNAL_CAMERAS)}, got {raw!r}")
        cameras = {}
        for camera, pose in raw.items():
            if not isinstance(pose, Mapping) or set(pose) != {"offset", "rotation"}:
                raise self.fail(f"{camera} needs 'offset' and 'rotation', got {pose!r}")
            cameras[camera] = CameraOffset(
                self.vector(f"{camera}.offset", pose["offset"], -self.max_offset, self.max_offset),
                self.vector(f"{camera}.rotation", pose["rotation"], -self.max_rotation, self.max_rotation),
            )
        return CameraOffsets(cameras)
