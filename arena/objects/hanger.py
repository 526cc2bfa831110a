"""Parametric objects of the MoveHanger task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape

_ROT_Y_90 = (math.sqrt(0.5), 0.0, math.sqrt(0.5), 0.0)  # maps a cylinder's z axis onto x
POLES: tuple[str, ...] = ("left", "right")


def _rot_x(angle: float) -> tuple[float, float, float, float]:
    return (math.cos(angle / 2), math.sin(angle / 2), 0.0, 0.0)


def _bar(a: tuple[float, float], b: tuple[float, float], width: float, thickness: float) -> Primitive:
    """A straight bar in the y-z plane from ``a`` to ``b`` (y, z), ``width`` across in the plane, ``thickness`` in x."""
    dy, dz = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dy, dz)
    center = (0.0, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    return Primitive("box", (thickness / 2, length / 2 + width / 2, width / 2), center, _rot_x(math.atan2(dz, dy)))


@register_shape
@dataclass(frozen=True)
class CoatHanger(Shape):
    """A coat hanger: a triangle of thin bars (two shoulders and a bottom bar) under a neck and a round hook.

    The hanger lies in its y-z plane (``thickness`` along x); its frame origin is the top of the hook's inside,
    the point that rests on a pole, so the hanger hangs below its origin. The hook is an arc of ``segments``
    boxes round a circle of inner radius ``hook_radius``, from ``hook_start`` radians (its tip, below the
    centre on the +y side) over the top to ``hook_end`` (on the -y side), where the neck runs down to the apex.

    Sites: ``hook`` (the origin: top of the hook's inside), ``hook_center`` (centre of the hook circle, where the
    expert pinches the hook from both sides), ``center`` (middle of the triangle).
    """

    kind: ClassVar[str] = "coat_hanger"
    unscaled: ClassVar[tuple[str, ...]] = ("segments", "hook_start", "hook_end")
    width: float = 0.20  # shoulder tip to shoulder tip
    drop: float = 0.06  # apex to bottom bar
    neck: float = 0.032  # top of the hook's inside to the apex
    hook_radius: float = 0.009
    wire: float = 0.005  # bar width in the hanger's plane
    thickness: float = 0.008  # bar depth across the plane
    segments: int = 13
    hook_start: float = -0.7
    hook_end: float = 3.49

    def parts(self) -> tuple[Part, ...]:
        r, b, tx = self.hook_radius, self.wire, self.thickness
        middle = r + b / 2
        step = (self.hook_end - self.hook_start) / (self.segments - 1)
        prims = []
        for k in range(self.segments):
            angle = self.hook_start + k * step
            # box: radial along the circle's normal, tangential half-length reaching the neighbours' outer corners
            half_tangent = (r + b) * math.tan(step / 2)
            pos = (0.0, middle * math.cos(angle), -r + middle * math.sin(angle))
            prims.append(Primitive("box", (tx / 2, b / 2, half_tangent), pos, _rot_x(angle)))
        end = (middle * math.cos(self.hook_end), -r + middle * math.sin(self.hook_end))
        apex = (0.0, -self.neck)
        bottom = -self.neck - self.drop
        tip = self.width / 2 - b / 2
        prims += [
            _bar(end, apex, b, tx),  # neck
            _bar(apex, (tip, bottom), b, tx),  # +y shoulder
            _bar(apex, (-tip, bottom), b, tx),  # -y shoulder
            _bar((-tip, bottom), (tip, bottom), b, tx),  # bottom bar
        ]
        sites = {
            "hook": (0.0, 0.0, 0.0),
            "hook_center": (0.0, 0.0, -r),
            "center": (0.0, 0.0, -self.neck - 0.6 * self.drop),
        }
        return (Part(name="body", primitives=tuple(prims), sites=sites),)

    def footprint_radius(self) -> float:
        return math.hypot(self.width / 2 + self.wire, self.thickness / 2)


@register_shape
@dataclass(frozen=True)
class HangerRack(Shape):
    """A clothes rack: a foot, an upright at the back and a crossbar carrying two horizontal poles.

    The poles (radius ``pole_radius``, ``pole_length`` long, rounded free ends) stick out toward -x (toward the
    robot) from the crossbar's ends at y = +-``spacing``/2, ``height`` above the table, so a hanger slides on and
    off over their free ends. Pole ``left`` is on +y, ``right`` on -y.

    Sites: ``pole_<name>`` (on the pole's axis where a hanger hangs, ``hang`` from the crossbar), ``tip_<name>``
    (on the axis at the rounded end), ``hang_<name>`` (top of the pole above ``pole_<name>``: a hanging hanger's
    hook rests there).
    """

    kind: ClassVar[str] = "hanger_rack"
    free: ClassVar[bool] = False
    height: float = 0.30
    spacing: float = 0.20
    pole_radius: float = 0.005
    pole_length: float = 0.17
    post: float = 0.016  # side of the square upright and crossbar
    foot_length: float = 0.20
    foot_width: float = 0.24
    foot_height: float = 0.012
    hang: float = 0.09

    def parts(self) -> tuple[Part, ...]:
        h, p, r, half = self.height, self.post, self.pole_radius, self.spacing / 2
        back = (self.pole_length + p) / 2  # crossbar centre: the rack's footprint is centred on the frame origin
        front = back - p / 2  # crossbar front face, where the poles start
        tip = front - self.pole_length
        fh = self.foot_height
        prims = [
            Primitive("box", (p, self.foot_width / 2, fh / 2), (back, 0.0, fh / 2)),  # foot across
            Primitive("box", (self.foot_length / 2, p, fh / 2), (back - self.foot_length / 2 + p, 0.0, fh / 2)),
            Primitive("box", (p / 2, p / 2, (h - fh) / 2 + p / 2), (back, 0.0, fh + (h - fh) / 2 + p / 2 - p / 2)),
            Primitive("box", (p / 2, half + p / 2, p / 2), (back, 0.0, h)),  # crossbar
        ]
        sites: dict[str, tuple[float, float, float]] = {}
        for name, y in (("left", half), ("right", -half)):
            length = self.pole_length + p / 2  # reaching into the crossbar
            prims.append(Primitive("cylinder", (r, length / 2), (tip + length / 2, y, h), _ROT_Y_90))
            prims.append(Primitive("sphere", (r,), (tip, y, h)))
            sites[f"pole_{name}"] = (front - self.hang, y, h)
            sites[f"tip_{name}"] = (tip - r, y, h)
            sites[f"hang_{name}"] = (front - self.hang, y, h + r)
        return (Part(name="body", primitives=tuple(prims), sites=sites),)

    def footprint_radius(self) -> float:
        back = (self.pole_length + self.post) / 2
        reach = max(back + self.post, self.pole_length - back + self.post / 2 + self.pole_radius)
        return math.hypot(reach, max(self.foot_width / 2, self.spacing / 2 + self.post / 2))
