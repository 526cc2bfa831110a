"""Parametric objects of the CloseLaptopLid task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Joint, Part, Primitive
from arena.objects.shapes import Shape, register_shape

_ROT_X_90 = (math.sqrt(0.5), math.sqrt(0.5), 0.0, 0.0)  # maps a cylinder's z axis onto y


def _slab(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> Primitive:
    """An axis-aligned box from its corner coordinates."""
    return Primitive(
        "box", ((x1 - x0) / 2, (y1 - y0) / 2, (z1 - z0) / 2), ((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2)
    )


def _frame(
    x0: float, x1: float, half_w: float, hole: tuple[float, float, float], z0: float, z1: float
) -> list[Primitive]:
    """Boxes covering the band ``x0..x1`` of a layer ``2 * half_w`` wide except a centred hole (x from, x to, half
    width)."""
    hx0, hx1, hw = hole
    return [
        _slab(x0, hx0, -half_w, half_w, z0, z1),
        _slab(hx1, x1, -half_w, half_w, z0, z1),
        _slab(hx0, hx1, hw, half_w, z0, z1),
        _slab(hx0, hx1, -half_w, -hw, z0, z1),
    ]


@register_shape
@dataclass(frozen=True)
class Laptop(Shape):
    """A laptop: a thin base with a recessed keyboard and trackpad, and a lid with a recessed dark screen on a hinge
    along the base's back top edge.

    The base's top ``inlay + recess`` is a frame round two pockets; the ``keyboard`` (black) and ``trackpad`` (gray)
    are accent inlays ``inlay`` thick lying in them, their tops ``recess`` below the surface, so the closed lid
    rests on the frame and never on them (and each prints as its own piece, glued in). The lid likewise carries the
    ``screen`` (black) in a pocket of its inner face, framed by a bezel. The lid (joint ``lid``) turns about +y
    through the hinge barrel (a cylinder of radius ``barrel`` along the back top edge, on the body): 0 closed, up
    to ``open_angle`` radians open (leaning back past vertical). The hinge is stiff like a real laptop's: its dry
    friction holds the lid at any angle against its own weight (at twice the nominal mass), so the lid must be
    pushed all the way shut.

    Sites: ``hinge`` (middle of the hinge axis, on the body), ``lid_edge`` (middle of the lid's free edge, on its
    outer face, on the lid), ``center`` (middle of the base's top).
    """

    kind: ClassVar[str] = "laptop"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("open_angle",)
    width: float = 0.30
    depth: float = 0.21
    base_height: float = 0.016
    lid_thickness: float = 0.006
    barrel: float = 0.005
    inlay: float = 0.002
    recess: float = 0.0005
    open_angle: float = 2.2

    #: Dry friction of the hinge (N m): holds a lid of twice the nominal mass level (0.93 N m at scale 1).
    HINGE_FRICTION: ClassVar[float] = 1.0
    #: Damping of the hinge (N m s / rad).
    HINGE_DAMPING: ClassVar[float] = 0.05

    def parts(self) -> tuple[Part, ...]:
        w, d, h = self.width, self.depth, self.base_height
        hw, hd = w / 2, d / 2
        layer = self.inlay + self.recess  # the pocketed top layer of the base and inner layer of the lid
        z_floor = h - layer
        # keyboard at the back, trackpad in front of it (fractions of the real 13-inch laptop's layout)
        keys = (-0.12 * d, 0.40 * d, 0.45 * w)  # x from, x to, half width
        pad = (-0.44 * d, -0.19 * d, 0.17 * w)
        base = [_slab(-hd, hd, -hw, hw, 0.0, z_floor)]
        base += _frame(-0.15 * d, hd, hw, keys, z_floor, h)
        base += [
            _slab(-hd, pad[0], -hw, hw, z_floor, h),  # front edge
            _slab(pad[0], pad[1], pad[2], hw, z_floor, h),
            _slab(pad[0], pad[1], -hw, -pad[2], z_floor, h),
            _slab(pad[1], -0.15 * d, -hw, hw, z_floor, h),  # palm rest between trackpad and keyboard
        ]
        base.append(Primitive("cylinder", (self.barrel, hw), (hd, 0.0, h), _ROT_X_90))  # hinge barrel
        keyboard = (_slab(keys[0], keys[1], -keys[2], keys[2], z_floor, z_floor + self.inlay),)
        trackpad = (_slab(pad[0], pad[1], -pad[2], pad[2], z_floor, z_floor + self.inlay),)
        # The lid in its own frame: origin on the hinge axis, extending along -x, inner face at z = 0.
        lt = self.lid_thickness
        screen_hole = (-0.95 * d, -0.08 * d, 0.46 * w)
        lid = [_slab(-d, 0.0, -hw, hw, layer, lt)]
        lid += _frame(-d, 0.0, hw, screen_hole, 0.0, layer)
        screen = (_slab(screen_hole[0], screen_hole[1], -screen_hole[2], screen_hole[2], self.recess, layer),)
        return (
            Part(name="body", primitives=tuple(base), sites={"hinge": (hd, 0.0, h), "center": (0.0, 0.0, h)}),
            Part(name="keyboard", primitives=keyboard, parent="body", color="black"),
            Part(name="trackpad", primitives=trackpad, parent="body", color="gray"),
            Part(
                name="lid",
                primitives=tuple(lid),
                pos=(hd, 0.0, h),
                parent="body",
                joint=Joint(
                    "hinge",
                    (0.0, 1.0, 0.0),
                    (0.0, self.open_angle),
                    damping=self.HINGE_DAMPING,
                    frictionloss=self.HINGE_FRICTION,
                    holds=True,
                ),
                sites={"lid_edge": (-d, 0.0, lt)},
            ),
            Part(name="screen", primitives=screen, parent="lid", color="black"),
        )

    def lid_reach_back(self) -> float:
        """How far the fully open lid reaches behind the hinge axis (metres)."""
        return max(0.0, -math.cos(self.open_angle)) * (self.depth + self.lid_thickness)

    def footprint_radius(self) -> float:
        return math.hypot(self.depth / 2 + self.barrel + self.lid_reach_back(), self.width / 2)
