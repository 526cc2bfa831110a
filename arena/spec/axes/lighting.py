"""Lighting: colour (THE COLOSSEUM's RGB in [0, 0.5]^3), intensity and direction of every scene light."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from arena.spec.axes.base import Axis, AxisValue, SamplingContext
from arena.spec.task import TaskSpec


@dataclass(frozen=True)
class LightSetting(AxisValue):
    """Each light's diffuse becomes its pristine diffuse times ``2 * rgb * intensity`` (rgb 0.5 and intensity 1
    leave it unchanged); its direction turns by ``yaw`` radians about the vertical axis."""

    rgb: tuple[float, float, float]
    intensity: float
    yaw: float

    def to_json(self) -> dict[str, Any]:
        return {"rgb": list(self.rgb), "intensity": self.intensity, "yaw": self.yaw}


class Lighting(Axis):
    """Values ``{"rgb": [r, g, b], "intensity": k, "yaw": a}`` (see :class:`LightSetting`)."""

    name: ClassVar[str] = "Lighting"
    rgb_range = (0.0, 0.5)
    intensity_range = (0.7, 1.4)
    yaw_range = (-0.8, 0.8)

    def sample(self, ctx: SamplingContext) -> LightSetting:
        rng = self.rng(ctx)
        return LightSetting(
            rgb=tuple(float(v) for v in rng.uniform(*self.rgb_range, 3)),  # rgb: U(0, 0.5)^3
            intensity=float(rng.uniform(*self.intensity_range)),  # intensity: *U(0.7, 1.4)
            yaw=float(rng.uniform(*self.yaw_range)),  # direction: +U(-0.8, 0.8) rad about z
        )

    def parse(self, raw: Any, task: TaskSpec) -> LightSetting:
        if not isinstance(raw, Mapping) or set(raw) != {"rgb", "intensity", "yaw"}:
            raise self.fail(f"expected keys rgb, intensity, yaw, got {raw!r}")
        return LightSetting(
            rgb=self.vector("rgb", raw["rgb"], *self.rgb_range),
            intensity=self.number("intensity", raw["intensity"], *self.intensity_range),
            yaw=self.number("yaw", raw["yaw"], *self.yaw_range),
        )
