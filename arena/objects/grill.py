"""Parametric objects of the MeatOnGrill task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape


@register_shape
@dataclass(frozen=True)
class Grill(Shape):
    """A tabletop charcoal grill: an open fire box on four legs, a grate of parallel bars set into its top, and a
    handle on each side.

    The fire box is ``width`` (y) by ``depth`` (x) by ``box_height``, its walls ``wall`` thick, on legs
    ``leg_height`` tall. ``bars`` square rods run front to back (along x) between the front and back walls, evenly
    spaced across the inside, their tops ``recess`` below the walls' top edge, so food lies on the grate inside the
    rim; a cross rod under them near each end ties them into one grate. Fixed to the table.

    Parts: ``body`` (fire box, legs, handles) and ``grate`` (the bars; a silver accent part fixed to the body).
    Sites: ``grate`` (centre of the grate's top surface), ``top`` (same point), ``center`` (centre of the box).
    """

    kind: ClassVar[str] = "grill"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("bars",)
    width: float = 0.22
    depth: float = 0.15
    box_height: float = 0.06
    wall: float = 0.006
    leg_height: float = 0.06
    leg_radius: float = 0.008
    bar: float = 0.005  # side of each bar's square section
    bars: int = 11
    recess: float = 0.01
    handle_length: float = 0.05
    handle_thickness: float = 0.012

    def grate_top(self) -> float:
        """Height of the grate's top surface above the table."""
        return self.leg_height + self.box_height - self.recess

    def inner_half(self) -> tuple[float, float]:
        """Half of the grate's extent inside the walls: (along x, along y)."""
        return (self.depth / 2 - self.wall, self.width / 2 - self.wall)

    def parts(self) -> tuple[Part, ...]:
        w, d, h, t = self.width, self.depth, self.box_height, self.wall
        z0 = self.leg_height
        prims = [
            Primitive("box", (d / 2, w / 2, t / 2), (0.0, 0.0, z0 + t / 2)),  # bottom of the fire box
            Primitive("box", (t / 2, w / 2, h / 2 - t / 2), (-d / 2 + t / 2, 0.0, z0 + t + (h - t) / 2)),  # front
            Primitive("box", (t / 2, w / 2, h / 2 - t / 2), (d / 2 - t / 2, 0.0, z0 + t + (h - t) / 2)),  # back
            Primitive("box", (d / 2 - t, t / 2, h / 2 - t / 2), (0.0, w / 2 - t / 2, z0 + t + (h - t) / 2)),
            Primitive("box", (d / 2 - t, t / 2, h / 2 - t / 2), (0.0, -w / 2 + t / 2, z0 + t + (h - t) / 2)),
        ]
        lr = self.leg_radius
        for sx in (-1, 1):
            for sy in (-1, 1):
                leg_x, leg_y = sx * (d / 2 - lr - t / 2), sy * (w / 2 - lr - t / 2)
                # Legs reach half a wall into the bottom plate, so they print joined to it.
                prims.append(Primitive("cylinder", (lr, (z0 + t / 2) / 2), (leg_x, leg_y, (z0 + t / 2) / 2)))
        hl, ht = self.handle_length, self.handle_thickness
        for sy in (-1, 1):  # a grip on each side, just below the walls' top, reaching a little into the wall
            y = sy * (w / 2 + 0.4 * ht)
            prims.append(Primitive("box", (hl / 2, ht / 2, ht / 2), (0.0, y, z0 + h - 0.8 * ht)))
        half_x, half_y = self.inner_half()
        b, n = self.bar, self.bars
        bar_z = self.grate_top() - b / 2
        pitch = 2 * half_y / n  # bars spread evenly across the inside, none touching the side walls
        # The bars run from the front wall to the back wall; a cross rod under them near each end ties them together,
        # so the grate prints as one piece that drops into the box.
        bars = [Primitive("box", (half_x, b / 2, b / 2), (0.0, -half_y + pitch * (k + 0.5), bar_z)) for k in range(n)]
        for sx in (-1, 1):
            bars.append(Primitive("box", (b / 2, half_y, b / 2), (sx * (half_x - 2 * b), 0.0, bar_z - 0.8 * b)))
        top = (0.0, 0.0, self.grate_top())
        return (
            Part(name="body", primitives=tuple(prims), sites={"center": (0.0, 0.0, z0 + h / 2)}),
            Part(name="grate", primitives=tuple(bars), parent="body", color="silver", sites={"grate": top, "top": top}),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.depth / 2, self.width / 2 + 0.9 * self.handle_thickness)


@register_shape
@dataclass(frozen=True)
class Drumstick(Shape):
    """A chicken drumstick lying on its side: a rounded meaty end and a bone ending in a knuckle.

    Along the object's x axis the drumstick runs from the meat (-x) to the knuckle (+x). The meat is a big sphere
    (``meat_radius``) and a smaller one (``middle_radius``) joined by a cylinder, then a taper; each sphere rests on
    the table on a small flat (the printed part's first layer, ``foot`` of the sphere's radius wide), so the
    drumstick lies still on two flats and prints standing on them. The bone (a white accent part) is a thin
    cylinder along x at the small sphere's centre height, ending in a knuckle block: it stands clear of the table,
    as a real drumstick's does, and prints standing on the knuckle's end.

    Sites: ``grasp`` (the small sphere's centre: a grasp across the meat's middle), ``center`` (the middle of its
    length, on the axis), ``bottom`` (on the table under ``center``).
    """

    kind: ClassVar[str] = "drumstick"
    unscaled: ClassVar[tuple[str, ...]] = ("foot",)
    meat_radius: float = 0.021
    middle_radius: float = 0.017
    meat_span: float = 0.02  # between the two spheres' centres
    taper_radius: float = 0.011
    taper_length: float = 0.024
    bone_radius: float = 0.0045
    bone_length: float = 0.04  # from the end of the taper to the knuckle's end face
    knuckle: float = 0.012  # edge of the knuckle block (its width across is 1.3 times this)
    foot: float = 0.28

    def _foot(self, radius: float, x: float) -> Primitive:
        """A flat under the sphere of ``radius`` centred above ``x``: a cylinder a quarter of the radius tall, whose
        top lies well inside the sphere, so only a sliver under the sphere shows."""
        height = 0.25 * radius
        return Primitive("cylinder", (self.foot * radius, height / 2), (x, 0.0, height / 2))

    def _x(self) -> tuple[float, float, float, float]:
        """x of the meat sphere's centre, the small sphere's centre, the taper's end and the knuckle's end face."""
        total = self.meat_radius + self.meat_span + self.taper_length + self.bone_length
        x_meat = -total / 2 + self.meat_radius
        x_mid = x_meat + self.meat_span
        x_taper = x_mid + self.taper_length
        return x_meat, x_mid, x_taper, x_taper + self.bone_length

    def parts(self) -> tuple[Part, ...]:
        rm, r2 = self.meat_radius, self.middle_radius
        x_meat, x_mid, x_taper, x_end = self._x()
        dx, dz = x_mid - x_meat, r2 - rm
        tilt = math.atan2(-dz, dx)  # the joining cylinder runs from the big sphere's centre down to the small one's
        along_x = (math.sqrt(0.5), 0.0, math.sqrt(0.5), 0.0)  # a cylinder's axis (z) turned onto x
        joint = (math.cos((math.pi / 2 + tilt) / 2), 0.0, math.sin((math.pi / 2 + tilt) / 2), 0.0)
        meat = (
            Primitive("sphere", (rm,), (x_meat, 0.0, rm)),
            Primitive("sphere", (r2,), (x_mid, 0.0, r2)),
            Primitive(
                "cylinder", (0.95 * r2, math.hypot(dx, dz) / 2), ((x_meat + x_mid) / 2, 0.0, (rm + r2) / 2), joint
            ),
            Primitive(
                "cylinder", (self.taper_radius, self.taper_length / 2), ((x_mid + x_taper) / 2, 0.0, r2), along_x
            ),
            self._foot(rm, x_meat),
            self._foot(r2, x_mid),
        )
        k, rb = self.knuckle, self.bone_radius
        bone_start = x_taper - 0.25 * self.taper_length  # sunk into the taper
        bone = (
            Primitive(
                "cylinder",
                (rb, (x_end - k - bone_start) / 2 + k / 4),
                ((bone_start + x_end - k) / 2 + k / 4, 0.0, r2),
                along_x,
            ),
            Primitive("box", (k / 2, 0.65 * k, k / 2), (x_end - k / 2, 0.0, r2)),
        )
        middle = ((x_meat - rm) + x_end) / 2
        return (
            Part(
                name="body",
                primitives=meat,
                sites={"grasp": (x_mid, 0.0, r2), "center": (middle, 0.0, r2), "bottom": (middle, 0.0, 0.0)},
            ),
            Part(name="bone", primitives=bone, parent="body", color="white"),
        )

    def footprint_radius(self) -> float:
        x_meat, _, _, x_end = self._x()
        return max(self.meat_radius - x_meat, math.hypot(x_end, 0.65 * self.knuckle))


@register_shape
@dataclass(frozen=True)
class Steak(Shape):
    """A steak: a flat slab, wider at one end (a ribeye's outline), lying on the table.

    The outline is two upright cylinders (``big_radius`` at -x, ``small_radius`` at +x) joined by a box as wide as
    the small end. Sites: ``grasp`` (mid-thickness over the box's middle: a grasp across its width), ``center``
    (mid-thickness at the middle of its length), ``bottom`` (on the table under ``center``), ``top``.
    """

    kind: ClassVar[str] = "steak"
    big_radius: float = 0.03
    small_radius: float = 0.024
    span: float = 0.04  # between the two cylinders' axes
    thickness: float = 0.024

    def parts(self) -> tuple[Part, ...]:
        rb, rs, span, th = self.big_radius, self.small_radius, self.span, self.thickness
        xb, xs = -span / 2, span / 2
        slab = (
            Primitive("cylinder", (rb, th / 2), (xb, 0.0, th / 2)),
            Primitive("cylinder", (rs, th / 2), (xs, 0.0, th / 2)),
            Primitive("box", (span / 2, rs, th / 2), (0.0, 0.0, th / 2)),
        )
        middle = ((xb - rb) + (xs + rs)) / 2
        grasp_x = 0.25 * span  # over the box, clear of the big end's bulge
        return (
            Part(
                name="body",
                primitives=slab,
                sites={
                    "grasp": (grasp_x, 0.0, th / 2),
                    "center": (middle, 0.0, th / 2),
                    "bottom": (middle, 0.0, 0.0),
                    "top": (middle, 0.0, th),
                },
            ),
        )

    def footprint_radius(self) -> float:
        return max(self.span / 2 + self.big_radius, self.span / 2 + self.small_radius)
