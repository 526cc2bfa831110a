"""Parametric objects of the ScoopWithSpatula task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape


@register_shape
@dataclass(frozen=True)
class Spatula(Shape):
    """A kitchen turner lying flat on the table: a thin, wide blade with a bevelled front edge and a chunky handle.

    The handle (root part ``handle``, a fixed black accent) is a bar ``handle_length`` x ``handle_width`` x
    ``handle_height`` lying on the table along x; the blade (part ``blade``, rigidly fixed to it, the object's
    colour) is a plate ``blade_length`` x ``blade_width`` x ``blade_thickness`` in front of it (+x), its last
    ``bevel`` metres a wedge falling to a knife edge at table level (a real turner's ground edge). The blade has its
    own low ``blade_friction`` (a slick steel or nylon face): a blade pushed along the table then slides under a
    cube instead of shoving it, since the bevel is a ramp that starts at the table (the cube climbs a slope of
    angle theta while its table friction mu1 exceeds tan(theta + atan(blade_friction))), and the handle's front
    face, ``handle_height`` tall, is the stop that keeps a scooped cube on the blade.

    Sites: ``grip`` (on the handle's axis ``grip`` metres behind its front face: where the fingers pinch it across
    its width), ``tip`` (middle of the knife edge, on the table), ``blade`` (centre of the blade's flat top),
    ``heel`` (where the bevel meets the flat top, on the centre line), ``stop`` (middle of the handle's front face at
    the height of the blade's top), ``center``.
    """

    kind: ClassVar[str] = "spatula"
    blade_length: float = 0.085  # bevel included
    blade_width: float = 0.07
    blade_thickness: float = 0.003
    bevel: float = 0.012  # slope atan(3 / 12) = 14 degrees
    handle_length: float = 0.13
    handle_width: float = 0.022
    handle_height: float = 0.022
    grip: float = 0.035
    #: Sliding friction of the blade (not a length: not scaled).
    blade_friction: float = 0.15
    unscaled: ClassVar[tuple[str, ...]] = ("blade_friction",)

    @property
    def front(self) -> float:
        """x of the handle's front face (the blade's back edge) in the object frame."""
        return (self.handle_length + self.blade_length) / 2 - self.blade_length

    def bevel_angle(self) -> float:
        """Slope of the bevel's top face (radians)."""
        return math.atan2(self.blade_thickness, self.bevel)

    def parts(self) -> tuple[Part, ...]:
        x0, t, hl = self.front, self.blade_thickness, self.handle_length
        flat = self.blade_length - self.bevel
        handle = Primitive(
            "box", (hl / 2, self.handle_width / 2, self.handle_height / 2), (x0 - hl / 2, 0.0, self.handle_height / 2)
        )
        blade = (
            Primitive("box", (flat / 2, self.blade_width / 2, t / 2), (x0 + flat / 2, 0.0, t / 2)),
            Primitive("wedge", (self.bevel / 2, self.blade_width / 2, t / 2), (x0 + flat + self.bevel / 2, 0.0, t / 2)),
        )
        return (
            Part(
                name="handle",
                primitives=(handle,),
                color="black",
                sites={
                    "grip": (x0 - self.grip, 0.0, self.handle_height / 2),
                    "tip": (x0 + self.blade_length, 0.0, 0.0),
                    "blade": (x0 + flat / 2, 0.0, t),
                    "heel": (x0 + flat, 0.0, t),
                    "stop": (x0, 0.0, t),
                    "center": (0.0, 0.0, self.handle_height / 2),
                },
            ),
            Part(name="blade", primitives=blade, parent="handle", friction=self.blade_friction),
        )

    def footprint_radius(self) -> float:
        return math.hypot((self.handle_length + self.blade_length) / 2, self.blade_width / 2)
