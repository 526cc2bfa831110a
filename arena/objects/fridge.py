"""Parametric objects of the GetIceFromFridge task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Joint, Part, Primitive
from arena.objects.shapes import Shape, polygon_ring, register_shape


@register_shape
@dataclass(frozen=True)
class Mug(Shape):
    """A mug: a straight polygonal wall round a flat bottom, with a loop handle on its -x side.

    The wall is ``segments`` boxes (:func:`arena.objects.shapes.polygon_ring`), ``radius`` to its outer faces,
    ``wall`` thick and ``height`` tall; the bottom disc sits inside it. The handle is a vertical bar ``handle_reach``
    metres out from the wall (to the bar's outer face) on two horizontal arms, all ``handle_width`` wide (the
    dimension the fingers close across) and ``handle_thickness`` thick.

    Sites: ``base`` (centre of the underside), ``center`` (on the axis, half-way up), ``rim`` (on the axis at the
    rim's height), ``handle`` (middle of the handle's bar: where the fingers pinch it).
    """

    kind: ClassVar[str] = "mug"
    unscaled: ClassVar[tuple[str, ...]] = ("segments",)
    radius: float = 0.028
    height: float = 0.075
    wall: float = 0.004
    bottom: float = 0.005
    handle_reach: float = 0.03
    handle_width: float = 0.012
    handle_thickness: float = 0.008
    segments: int = 12

    def handle_x(self) -> float:
        """x of the bar's centre line in the object frame (negative: the handle is on the -x side)."""
        return -(self.radius + self.handle_reach - self.handle_thickness / 2)

    def parts(self) -> tuple[Part, ...]:
        r, t, h = self.radius, self.wall, self.height
        inner = (r - t) * math.cos(math.pi / self.segments)  # inscribed radius of the inner faces
        wall = polygon_ring(inner, t, h, segments=self.segments)
        disc = Primitive("cylinder", (inner + 0.5 * t, self.bottom / 2), (0.0, 0.0, self.bottom / 2))
        hw, ht = self.handle_width / 2, self.handle_thickness / 2
        bar_x = self.handle_x()
        # the arms reach from inside the wall's outer faces to the bar's inner face
        arm_in, arm_out = -(inner + 0.5 * t), bar_x + ht
        arm_half = (arm_in - arm_out) / 2
        z_top, z_bottom = 0.85 * h, 0.2 * h
        handle = (
            Primitive("box", (ht, hw, (z_top - z_bottom) / 2 + ht), (bar_x, 0.0, (z_top + z_bottom) / 2)),
            Primitive("box", (arm_half, hw, ht), (arm_out + arm_half, 0.0, z_top)),
            Primitive("box", (arm_half, hw, ht), (arm_out + arm_half, 0.0, z_bottom)),
        )
        return (
            Part(
                name="body",
                primitives=(*wall, disc, *handle),
                sites={
                    "base": (0.0, 0.0, 0.0),
                    "center": (0.0, 0.0, h / 2),
                    "rim": (0.0, 0.0, h),
                    "handle": (bar_x, 0.0, (z_top + z_bottom) / 2),
                },
            ),
        )

    def footprint_radius(self) -> float:
        return self.radius + self.handle_reach


@register_shape
@dataclass(frozen=True)
class Fridge(Shape):
    """A small fridge with an ice dispenser: a tall box whose door front (-x face) holds a recessed niche.

    The carcass is ``width`` x ``depth`` x ``height``; the niche, ``niche_width`` wide, ``niche_depth`` deep and
    ``niche_height`` tall, opens in the front face with its floor (the drip tray) ``niche_floor`` above the table.
    At the top of the niche a short spout (``spout_radius``, ``spout_length``) points down; at the niche's back a
    paddle lever (part ``lever``, a fixed black accent) hangs from a hinge along y just below the ceiling, standing
    ``lever_proud`` off the back wall: pushing it toward the back wall turns joint ``lever`` from 0 (at rest) up to
    ``lever_travel`` radians, against damping and a return spring (``lever_stiffness`` N m/rad). A vertical handle
    bar on the door's front and a seam between the door and the freezer compartment above it complete the look.

    Sites (body): ``spout`` (the spout's mouth), ``tray`` (centre of the niche floor), ``mouth`` (centre of the
    niche's opening on the floor line), ``lever_face`` (the middle of the paddle's front face, at rest).
    """

    kind: ClassVar[str] = "fridge"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("lever_travel", "lever_stiffness")
    width: float = 0.24
    depth: float = 0.2
    height: float = 0.36
    niche_width: float = 0.13
    niche_depth: float = 0.085
    niche_height: float = 0.15
    niche_floor: float = 0.04
    spout_radius: float = 0.008
    spout_length: float = 0.006
    lever_width: float = 0.06
    lever_length: float = 0.11
    lever_thickness: float = 0.004
    lever_proud: float = 0.025
    lever_travel: float = 0.2
    lever_stiffness: float = 0.3
    lever_drop: float = 0.012  # hinge axis below the niche ceiling
    bracket: float = 0.005  # thickness (along y) of each of the lever's two mounting brackets
    cup_radius: float = 0.028  # the cup the spout is placed for
    handle_radius: float = 0.006

    def lever_face_x(self) -> float:
        """x of the paddle's front face at rest (object frame)."""
        return -self.depth / 2 + self.niche_depth - self.lever_proud - self.lever_thickness

    def bracket_y(self) -> float:
        """|y| of the middle of each lever bracket: 1 mm (at scale 1) of play each side of the paddle's barrel."""
        return self.lever_width / 2 + 0.2 * self.bracket + self.bracket / 2  # 1 mm gap at scale 1

    def hinge(self) -> tuple[float, float]:
        """(x, z) of the lever's hinge axis (along y) in the object frame."""
        return self.lever_face_x() + self.lever_thickness / 2, self.niche_floor + self.niche_height - self.lever_drop

    def spout_x(self) -> float:
        """x of the spout's axis: over the centre of a cup of ``cup_radius`` pressing the paddle 3 mm in."""
        return self.lever_face_x() + 0.003 * self.lever_length / 0.11 - self.cup_radius

    def parts(self) -> tuple[Part, ...]:
        w, d, h = self.width, self.depth, self.height
        nw, nd, nh, z0 = self.niche_width, self.niche_depth, self.niche_height, self.niche_floor
        front = -d / 2
        z1 = z0 + nh
        side = (w - nw) / 2
        body = [
            Primitive("box", ((d - nd) / 2, w / 2, h / 2), (front + nd + (d - nd) / 2, 0.0, h / 2)),  # behind
            Primitive("box", (nd / 2, side / 2, h / 2), (front + nd / 2, nw / 2 + side / 2, h / 2)),  # +y of niche
            Primitive("box", (nd / 2, side / 2, h / 2), (front + nd / 2, -nw / 2 - side / 2, h / 2)),  # -y
            Primitive("box", (nd / 2, nw / 2, z0 / 2), (front + nd / 2, 0.0, z0 / 2)),  # under (drip tray)
            Primitive("box", (nd / 2, nw / 2, (h - z1) / 2), (front + nd / 2, 0.0, (h + z1) / 2)),  # over
        ]
        sx = self.spout_x()
        spout = Primitive("cylinder", (self.spout_radius, self.spout_length / 2), (sx, 0.0, z1 - self.spout_length / 2))
        # door handle: a vertical bar on two posts near the door's -y edge, and the freezer seam (a thin dark band)
        r = self.handle_radius
        hy = -w / 2 + 0.12 * w
        bar_z0, bar_z1 = z1 + 0.15 * (h - z1), h - 0.15 * (h - z1)
        standoff = 3 * r
        trim = (
            Primitive("cylinder", (r, (bar_z1 - bar_z0) / 2), (front - standoff, hy, (bar_z0 + bar_z1) / 2)),
            Primitive("box", (standoff / 2, r, r), (front - standoff / 2, hy, bar_z0 + r)),
            Primitive("box", (standoff / 2, r, r), (front - standoff / 2, hy, bar_z1 - r)),
            Primitive("box", (h / 180, w / 2, h / 120), (front - h / 180, 0.0, h - 0.3 * (h - z1))),  # freezer seam
            spout,
        )
        lt, ll = self.lever_thickness, self.lever_length
        hinge_x, hinge_z = self.hinge()
        drop = self.lever_drop + 1.5 * lt  # the brackets reach 1.5 barrel radii below the axis (room for a pin hole)
        for sign in (1.0, -1.0):  # the lever's mount: a bracket each side of the paddle, from the ceiling past the axis
            body.append(
                Primitive("box", (lt, self.bracket / 2, drop / 2), (hinge_x, sign * self.bracket_y(), z1 - drop / 2))
            )
        lever = (
            Primitive("box", (lt / 2, self.lever_width / 2, ll / 2), (0.0, 0.0, -ll / 2)),  # paddle
            Primitive("cylinder", (lt, self.lever_width / 2), (0.0, 0.0, 0.0), (math.sqrt(0.5), math.sqrt(0.5), 0, 0)),
        )
        return (
            Part(
                name="body",
                primitives=tuple(body),
                sites={
                    "spout": (sx, 0.0, z1 - self.spout_length),
                    "tray": (front + nd / 2, 0.0, z0),
                    "mouth": (front, 0.0, z0),
                    "lever_face": (self.lever_face_x(), 0.0, hinge_z - ll / 2),
                },
            ),
            Part(name="trim", primitives=trim, parent="body", color="gray"),
            Part(
                name="lever",
                primitives=lever,
                pos=(hinge_x, 0.0, hinge_z),
                parent="body",
                color="black",
                joint=Joint(
                    "hinge",
                    (0.0, -1.0, 0.0),
                    (0.0, self.lever_travel),
                    damping=0.01,
                    frictionloss=0.001,
                    stiffness=self.lever_stiffness,
                ),
            ),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.depth / 2 + 3 * self.handle_radius + self.handle_radius, self.width / 2)
