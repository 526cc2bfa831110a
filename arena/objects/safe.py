"""Parametric objects of the PutMoneyInSafe task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Joint, Part, Primitive
from arena.objects.shapes import Shape, register_shape

_ROT_Y_90 = (math.sqrt(0.5), 0.0, math.sqrt(0.5), 0.0)  # maps a cylinder's z axis onto x
SHELVES: tuple[str, ...] = ("bottom", "middle", "top")


@register_shape
@dataclass(frozen=True)
class BankNotes(Shape):
    """A bundle of bank notes: a flat stack ``length`` x ``width`` x ``thickness`` with a paper band round its middle.

    Parts: ``body`` (the stack) and ``band`` (the paper strap over the top and down both long sides, ``band_proud``
    thick, a fixed white accent; it stands off the stack and does not overlap it, so it prints as a separate strip
    to glue on). Sites: ``center``, ``top`` (centre of the stack's top face), ``end_front`` / ``end_back`` (the
    stack's mid-height ``grip`` metres in from the -x / +x end: where the expert pinches the bundle across its
    width).
    """

    kind: ClassVar[str] = "bank_notes"
    length: float = 0.156  # a real note is 156 x 66 mm
    width: float = 0.066
    thickness: float = 0.015  # about 150 notes
    band: float = 0.03  # width of the paper band along the notes
    band_proud: float = 0.0018  # how far the band stands off the stack (1.2 mm, the printable minimum, at 0.7)
    grip: float = 0.007

    def parts(self) -> tuple[Part, ...]:
        lx, wy, t, p, bx = self.length / 2, self.width / 2, self.thickness / 2, self.band_proud, self.band / 2
        stack = Primitive("box", (lx, wy, t), (0.0, 0.0, t))
        band = (
            Primitive("box", (bx, wy + p, p / 2), (0.0, 0.0, 2 * t + p / 2)),  # over the top
            Primitive("box", (bx, p / 2, t), (0.0, wy + p / 2, t)),  # down the +y side
            Primitive("box", (bx, p / 2, t), (0.0, -wy - p / 2, t)),  # down the -y side
        )
        return (
            Part(
                name="body",
                primitives=(stack,),
                sites={
                    "center": (0.0, 0.0, t),
                    "top": (0.0, 0.0, 2 * t),
                    "end_front": (-lx + self.grip, 0.0, t),
                    "end_back": (lx - self.grip, 0.0, t),
                },
            ),
            Part(name="band", primitives=band, parent="body", color="white"),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.length, self.width) / 2


@register_shape
@dataclass(frozen=True)
class Safe(Shape):
    """A small steel safe with three shelves (``bottom``, ``middle``, ``top`` compartments) and a hinged door.

    The carcass stands on a solid plinth ``base`` tall (the bottom compartment's floor); above it three compartments
    ``compartment`` tall are separated by ``shelf``-thick plates and closed by a ``top`` plate, side walls and a back
    wall (``wall`` thick). The door (part ``door``) lies over the whole front and turns on a vertical hinge at the
    front outer corner of the -y side wall (a knuckle barrel of radius ``barrel`` on the body, so the simulated
    outline is the printed hinge's): joint ``door``, 0 = closed, opening outward up to ``open_angle`` radians (flat
    beside the safe, behind its front plane, at pi). It carries a handle bar and a dial (part ``dial``, a fixed
    black accent).

    Sites (body): ``shelf_<name>`` (centre of each compartment's floor), ``slot_<name>`` (centre of each
    compartment's opening in the front plane), ``hinge`` (middle of the hinge axis).
    """

    kind: ClassVar[str] = "safe"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("open_angle",)
    width: float = 0.164
    depth: float = 0.17
    wall: float = 0.008
    base: float = 0.02
    compartment: float = 0.023
    shelf: float = 0.006
    top: float = 0.01
    door_thickness: float = 0.008
    barrel: float = 0.005
    door_gap: float = 0.0015
    open_angle: float = math.pi

    @property
    def height(self) -> float:
        """Outer height of the carcass (metres)."""
        return self.base + 3 * self.compartment + 2 * self.shelf + self.top

    def floor(self, index: int) -> float:
        """Height of compartment ``index``'s floor (0 = bottom) above the table."""
        return self.base + index * (self.compartment + self.shelf)

    def inner_width(self) -> float:
        """Width of each compartment between the side walls (metres)."""
        return self.width - 2 * self.wall

    def inner_depth(self) -> float:
        """Depth of each compartment from the front plane to the back wall (metres)."""
        return self.depth - self.wall

    def parts(self) -> tuple[Part, ...]:
        w, d, t, h = self.width, self.depth, self.wall, self.height
        inner_w, inner_d = self.inner_width(), self.inner_depth()
        side_h = h - self.base - self.top
        side_z = self.base + side_h / 2
        shelf_x = -d / 2 + inner_d / 2
        body = [
            Primitive("box", (d / 2, w / 2, self.base / 2), (0.0, 0.0, self.base / 2)),  # plinth, the bottom floor
            Primitive("box", (d / 2, w / 2, self.top / 2), (0.0, 0.0, h - self.top / 2)),  # top
            Primitive("box", (d / 2, t / 2, side_h / 2), (0.0, w / 2 - t / 2, side_z)),  # +y side
            Primitive("box", (d / 2, t / 2, side_h / 2), (0.0, -w / 2 + t / 2, side_z)),  # -y side
            Primitive("box", (t / 2, inner_w / 2, side_h / 2), (d / 2 - t / 2, 0.0, side_z)),  # back
        ]
        for k in (1, 2):  # shelf plates
            body.append(
                Primitive(
                    "box", (inner_d / 2, inner_w / 2, self.shelf / 2), (shelf_x, 0.0, self.floor(k) - self.shelf / 2)
                )
            )
        axis = (-d / 2, -w / 2)
        body.append(Primitive("cylinder", (self.barrel, h / 2), (*axis, h / 2)))  # hinge barrel
        sites = {"hinge": (*axis, h / 2)}
        for k, name in enumerate(SHELVES):
            sites[f"shelf_{name}"] = (shelf_x, 0.0, self.floor(k))
            sites[f"slot_{name}"] = (-d / 2, 0.0, self.floor(k) + self.compartment / 2)
        # The door in its own frame: origin on the hinge axis at table height, x into the safe, y across.
        td, gap = self.door_thickness, self.door_gap
        door_w, door_h = w - self.barrel - 2 * gap, h - 2 * gap
        y0, zc = self.barrel + gap + door_w / 2, h / 2
        post, bar = td, 0.625 * td
        hx = -td - post / 2
        door = (
            Primitive("box", (td / 2, door_w / 2, door_h / 2), (-td / 2, y0, zc)),
            # handle: a vertical bar on two posts near the free edge
            Primitive("box", (post / 2, bar / 2, bar / 2), (hx, y0 + 0.32 * door_w, zc + 0.3 * door_h)),
            Primitive("box", (post / 2, bar / 2, bar / 2), (hx, y0 + 0.32 * door_w, zc - 0.3 * door_h)),
            Primitive(
                "box", (bar / 2, bar / 2, 0.3 * door_h + bar / 2), (hx - post / 2 - bar / 2, y0 + 0.32 * door_w, zc)
            ),
        )
        dial = (Primitive("cylinder", (0.25 * door_h, 0.375 * td), (-1.375 * td, y0 - 0.08 * door_w, zc), _ROT_Y_90),)
        return (
            Part(name="body", primitives=tuple(body), sites=sites),
            Part(
                name="door",
                primitives=door,
                pos=(*axis, 0.0),
                parent="body",
                joint=Joint("hinge", (0.0, 0.0, 1.0), (0.0, self.open_angle), damping=0.05, frictionloss=0.005),
            ),
            Part(name="dial", primitives=dial, parent="door", color="black"),
        )

    def footprint_radius(self) -> float:
        # the carcass, and the door opened flat beside it (it reaches the width past the -y side)
        return math.hypot(self.depth / 2 + self.door_thickness + 2 * self.wall + self.barrel, 1.5 * self.width)
