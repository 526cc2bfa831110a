"""Parametric task objects. Each shape turns a few size parameters (metres) into printable parts.

This module is the single source of truth for object geometry: the scene builder turns its parts into MuJoCo
geoms and the print exporter turns the very same primitives into STL. Scaling an object scales every length
parameter, so collision geometry, mass and the expert's grasp points all follow.

Object frames: origin at the centre of the object's footprint on the table, z up, front facing -x (toward
the robot when yaw is 0).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, ClassVar

from arena.errors import UnknownNameError
from arena.objects.primitives import Joint, Part, Primitive

_ROT_X_90 = (math.sqrt(0.5), math.sqrt(0.5), 0.0, 0.0)  # maps a cylinder's z axis onto y


def polygon_ring(
    inner_radius: float,
    thickness: float,
    height: float,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    segments: int = 16,
    flare: float = 0.0,
) -> tuple[Primitive, ...]:
    """A ring (a hoop, a cup's wall) of ``segments`` boxes round the z axis through ``center``.

    The boxes' inner faces form a regular polygon whose inscribed circle has ``inner_radius``; each box is long
    enough to meet its neighbours at the outer corners, so the union is one closed wall ``thickness`` thick and
    ``height`` tall. ``flare`` (radians) tilts every box outward about its bottom edge (a tapered cup's wall):
    the inner radius grows by ``height * tan(flare)`` from bottom to top.
    """
    cx, cy, cz = center
    outer = inner_radius + thickness
    half_length = outer * math.tan(math.pi / segments)  # reaches the outer polygon's corners
    prims = []
    for k in range(segments):
        angle = 2 * math.pi * k / segments
        # Box frame: x radial, y tangential, z along the (tilted) wall; rotate by yaw, then tilt about y.
        yaw = (math.cos(angle / 2), 0.0, 0.0, math.sin(angle / 2))
        tilt = (math.cos(flare / 2), 0.0, math.sin(flare / 2), 0.0)
        quat = _quat_mul(yaw, tilt)
        radial = inner_radius + thickness / 2 + (height / 2) * math.sin(flare)
        pos = (
            cx + radial * math.cos(angle),
            cy + radial * math.sin(angle),
            cz + (height / 2) * math.cos(flare),
        )
        prims.append(Primitive("box", (thickness / 2, half_length, height / 2), pos, quat))
    return tuple(prims)


def _quat_mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float, float, float]:
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    return (
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    )


@dataclass(frozen=True)
class Shape:
    """Base class: a frozen set of length parameters in metres."""

    kind: ClassVar[str] = ""
    #: Whether the object has a free joint (can be picked up); fixed objects are placed on the table.
    free: ClassVar[bool] = True
    #: Whether the object collides (a target marker is visual-only in simulation and taped down in reality).
    collides: ClassVar[bool] = True
    #: Contact dimensionality of a free object's geoms: 4 adds torsional friction, so a grasped object does not spin
    #: between the fingers; a rope's many light links take 3 (cheaper contacts, torsion they do not need).
    contact_condim: ClassVar[int] = 4
    #: Parameters that are not lengths (counts, angles) and so are not scaled.
    unscaled: ClassVar[tuple[str, ...]] = ()
    #: Whether the print release exports the object as STL; one that cannot be printed (a rope, scattered dirt) says
    #: what to use instead with :meth:`substitute`, and the release lists that.
    printable: ClassVar[bool] = True

    def parts(self) -> tuple[Part, ...]:
        """The object's parts, root part first."""
        raise NotImplementedError

    def footprint_radius(self) -> float:
        """Radius (metres) of a circle around the frame origin that covers the object seen from above."""
        raise NotImplementedError

    def substitute(self) -> str:
        """For a shape that is not ``printable``: the real thing to use instead, in words, at this size."""
        return ""

    def scaled(self, scale: float) -> Shape:
        """The same shape with every length multiplied by ``scale``."""
        values = {
            f.name: (getattr(self, f.name) if f.name in self.unscaled else getattr(self, f.name) * scale)
            for f in dataclasses.fields(self)
        }
        return type(self)(**values)


@dataclass(frozen=True)
class Block(Shape):
    """A solid cuboid (a toy block). Sites: ``top`` (centre of the top face), ``center``."""

    kind: ClassVar[str] = "block"
    size_x: float = 0.05
    size_y: float = 0.05
    size_z: float = 0.05

    def parts(self) -> tuple[Part, ...]:
        half = (self.size_x / 2, self.size_y / 2, self.size_z / 2)
        return (
            Part(
                name="body",
                primitives=(Primitive("box", half, (0.0, 0.0, half[2])),),
                sites={"top": (0.0, 0.0, self.size_z), "center": (0.0, 0.0, half[2])},
            ),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.size_x, self.size_y) / 2


@dataclass(frozen=True)
class TargetPad(Shape):
    """A thin round target disc lying on the table (visual-only in simulation). Site: ``center``."""

    kind: ClassVar[str] = "target_pad"
    free: ClassVar[bool] = False
    collides: ClassVar[bool] = False
    radius: float = 0.05
    thickness: float = 0.002

    def parts(self) -> tuple[Part, ...]:
        return (
            Part(
                name="body",
                primitives=(Primitive("cylinder", (self.radius, self.thickness / 2), (0.0, 0.0, self.thickness / 2)),),
                sites={"center": (0.0, 0.0, self.thickness)},
            ),
        )

    def footprint_radius(self) -> float:
        return self.radius


@dataclass(frozen=True)
class Cabinet(Shape):
    """A chest of drawers on a plinth, drawers stacked bottom to top, each with a vertical bar handle.

    Parts: ``body`` (carcass) and one ``drawer_<name>`` per drawer, bottom to top, each sliding out along -x
    on the joint of the same name. Drawer names are ``bottom, middle, top`` for three drawers, ``bottom,
    top`` for two, else ``0 .. n-1``. Sites: ``handle_<name>`` (centre of each handle bar).
    """

    kind: ClassVar[str] = "cabinet"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("drawers",)
    width: float = 0.30
    depth: float = 0.24
    height: float = 0.30
    plinth: float = 0.04
    wall: float = 0.012
    drawers: int = 3
    gap: float = 0.002
    handle_length: float = 0.05
    handle_radius: float = 0.006
    handle_standoff: float = 0.035

    def drawer_names(self) -> tuple[str, ...]:
        """Names of the drawers, bottom to top."""
        return {1: ("only",), 2: ("bottom", "top"), 3: ("bottom", "middle", "top")}.get(
            self.drawers, tuple(str(i) for i in range(self.drawers))
        )

    def compartment_height(self) -> float:
        """Inner height of one drawer compartment (metres)."""
        inner = self.height - 2 * self.wall - (self.drawers - 1) * self.wall
        return inner / self.drawers

    def drawer_travel(self) -> float:
        """How far each drawer can be pulled out (metres)."""
        return 0.75 * (self.depth - self.wall)

    def parts(self) -> tuple[Part, ...]:
        w, d, h, t = self.width, self.depth, self.height, self.wall
        z0 = self.plinth
        carcass = [
            Primitive("box", (d / 2 - t, w / 2 - t, z0 / 2), (t, 0.0, z0 / 2)),  # plinth, recessed
            Primitive("box", (d / 2, w / 2, t / 2), (0.0, 0.0, z0 + t / 2)),  # bottom
            Primitive("box", (d / 2, w / 2, t / 2), (0.0, 0.0, z0 + h - t / 2)),  # top
            Primitive("box", (d / 2, t / 2, h / 2 - t), (0.0, w / 2 - t / 2, z0 + h / 2)),  # left side
            Primitive("box", (d / 2, t / 2, h / 2 - t), (0.0, -w / 2 + t / 2, z0 + h / 2)),  # right side
            Primitive("box", (t / 2, w / 2 - t, h / 2 - t), (d / 2 - t / 2, 0.0, z0 + h / 2)),  # back
        ]
        hc = self.compartment_height()
        for i in range(1, self.drawers):  # dividers between compartments
            z = z0 + t + i * (hc + t) - t / 2
            carcass.append(Primitive("box", (d / 2 - t, w / 2 - t, t / 2), (-t, 0.0, z)))
        parts = [Part(name="body", primitives=tuple(carcass))]
        g = self.gap
        dd, dw, dh = d - t - g, w - 2 * t - 2 * g, hc - 2 * g  # drawer outer size
        side_h = 0.8 * dh
        r, s, hl = self.handle_radius, self.handle_standoff, self.handle_length
        for i, drawer in enumerate(self.drawer_names()):
            z = z0 + t + i * (hc + t) + g
            prims = (
                Primitive("box", (t / 2, dw / 2, dh / 2), (t / 2, 0.0, dh / 2)),  # front panel, clear of the sides
                Primitive("box", (dd / 2 - t, dw / 2, t / 2), (dd / 2, 0.0, t / 2)),  # bottom
                Primitive("box", (t / 2, dw / 2, side_h / 2), (dd - t / 2, 0.0, side_h / 2)),  # back
                Primitive("box", (dd / 2 - t, t / 2, side_h / 2), (dd / 2, dw / 2 - t / 2, side_h / 2)),
                Primitive("box", (dd / 2 - t, t / 2, side_h / 2), (dd / 2, -dw / 2 + t / 2, side_h / 2)),
                Primitive("cylinder", (r, hl / 2), (-s, 0.0, dh / 2)),  # vertical handle bar
                Primitive("box", (s / 2, r, r), (-s / 2, 0.0, dh / 2 + hl / 2 - r)),  # upper post
                Primitive("box", (s / 2, r, r), (-s / 2, 0.0, dh / 2 - hl / 2 + r)),  # lower post
            )
            parts.append(
                Part(
                    name=f"drawer_{drawer}",
                    primitives=prims,
                    pos=(-d / 2, 0.0, z),
                    parent="body",
                    joint=Joint("slide", (-1.0, 0.0, 0.0), (0.0, self.drawer_travel()), damping=4.0, frictionloss=0.2),
                    sites={f"handle_{drawer}": (-s, 0.0, dh / 2)},
                )
            )
        return tuple(parts)

    def footprint_radius(self) -> float:
        return math.hypot(self.width, self.depth + 2 * self.handle_standoff) / 2


@dataclass(frozen=True)
class HingedBox(Shape):
    """An open-top box with a lid hinged along its back top edge.

    Parts: ``body`` and ``lid`` (joint ``lid``: 0 closed, ``open_angle`` radians fully open, leaning back past
    vertical). The body carries the hinge barrel, a cylinder of radius ``wall`` along the back top edge, so the
    simulated object has the printed hinge's outline (the printer splits the barrel into body and lid knuckles
    around a pin, ``arena/printing/features.py``). Sites: ``hinge`` (middle of the hinge axis, on the body),
    ``lid_edge`` (middle of the lid's free edge, on the lid).
    """

    kind: ClassVar[str] = "hinged_box"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("open_angle",)
    width: float = 0.18
    depth: float = 0.14
    height: float = 0.08
    wall: float = 0.006
    lid_thickness: float = 0.008
    open_angle: float = 2.2

    def parts(self) -> tuple[Part, ...]:
        w, d, h, t = self.width, self.depth, self.height, self.wall
        body = (
            Primitive("box", (d / 2, w / 2, t / 2), (0.0, 0.0, t / 2)),  # bottom
            Primitive("box", (t / 2, w / 2, h / 2 - t / 2), (-d / 2 + t / 2, 0.0, h / 2 + t / 2)),  # front
            Primitive("box", (t / 2, w / 2, h / 2 - t / 2), (d / 2 - t / 2, 0.0, h / 2 + t / 2)),  # back
            Primitive("box", (d / 2 - t, t / 2, h / 2 - t / 2), (0.0, w / 2 - t / 2, h / 2 + t / 2)),
            Primitive("box", (d / 2 - t, t / 2, h / 2 - t / 2), (0.0, -w / 2 + t / 2, h / 2 + t / 2)),
            Primitive("cylinder", (t, w / 2), (d / 2, 0.0, h), _ROT_X_90),  # hinge barrel
        )
        lt = self.lid_thickness
        lid = (Primitive("box", (d / 2, w / 2, lt / 2), (-d / 2, 0.0, lt / 2)),)
        return (
            Part(name="body", primitives=body, sites={"hinge": (d / 2, 0.0, h)}),
            Part(
                name="lid",
                primitives=lid,
                pos=(d / 2, 0.0, h),
                parent="body",
                joint=Joint("hinge", (0.0, 1.0, 0.0), (0.0, self.open_angle), damping=0.02),
                sites={"lid_edge": (-d, 0.0, lt)},
            ),
        )

    def footprint_radius(self) -> float:
        reach_back = max(0.0, -math.cos(self.open_angle)) * self.depth
        return math.hypot(self.width, self.depth + 2 * (reach_back + self.wall)) / 2


#: Every shape kind a task file may name; shape modules add theirs with :func:`register_shape`.
SHAPES: dict[str, type[Shape]] = {}


def register_shape(cls: type[Shape]) -> type[Shape]:
    """Class decorator: make a shape available to task files under its ``kind``."""
    if not cls.kind or cls.kind in SHAPES:
        raise ValueError(f"shape kind {cls.kind!r} is empty or registered twice")
    SHAPES[cls.kind] = cls
    return cls


for _cls in (Block, TargetPad, Cabinet, HingedBox):
    register_shape(_cls)


def make_shape(kind: str, params: dict[str, Any]) -> Shape:
    """Build a shape by kind name; raises ``UnknownNameError`` naming what is accepted."""
    if kind not in SHAPES:
        raise UnknownNameError(f"unknown shape {kind!r}; valid shapes: {', '.join(sorted(SHAPES))}")
    cls = SHAPES[kind]
    allowed = {f.name for f in dataclasses.fields(cls)}
    unknown = set(params) - allowed
    if unknown:
        raise UnknownNameError(f"unknown parameter(s) {sorted(unknown)} for shape {kind!r}; allowed: {sorted(allowed)}")
    return cls(**params)
