"""Parametric objects of the PlaceWineAtRackLocation task (registered with ``register_shape``).

- :class:`WineBottle`: a wine bottle lying on its side (axis along the object's x, neck toward +x): body, rounded
  shoulder, neck, a foil capsule over the neck's end and a paper label round the body's middle (capsule and label
  are separate parts in fixed accent colours, printed in their own filament and glued on).
- :class:`WineRack`: a tabletop rack for three bottles lying side by side: a front and a back rail, each a beam
  with triangular teeth, joined by two end stringers. Between two teeth a rail has a cradle: a flat floor with 45°
  flanks; a bottle lies across both rails in one cradle, its axis along the rack's x.

The cradle is the fit. A bottle of radius ``r`` on a floor ``floor`` wide between 45° flanks clears each flank by
``floor / 2 * cos 45° - r * (1 - sin 45°)`` (:func:`cradle_clearance`): a few millimetres at nominal size, and it
stays positive up to ``r = 2.41 * floor / 2``, so a bottle 1.15 times its size still lies on the floor of a rack
0.85 times its size (a bigger one would rest on the flanks, still centred in its cradle).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape

#: Slot names from the robot's left (+y of the rack) to its right (-y).
SLOT_NAMES: tuple[str, ...] = ("left", "middle", "right")
_ALONG_X = (math.sqrt(0.5), 0.0, math.sqrt(0.5), 0.0)  # turns a cylinder's z axis onto x


def _tilted_about_x(angle: float) -> tuple[float, float, float, float]:
    return (math.cos(angle / 2), math.sin(angle / 2), 0.0, 0.0)


@register_shape
@dataclass(frozen=True)
class WineBottle(Shape):
    """A wine bottle lying on its side, axis along x, neck toward +x; the object frame's origin is under the middle
    of the bottle's whole length, on the table.

    Parts (all rigidly joined): ``body`` (the lower body, from the base to the label, with a ``flat`` wide flat
    along its underside), ``label`` (the middle ``label_length`` of the body, white), ``upper`` (the body above the
    label; the shoulder, a sphere of the body's radius centred ``shoulder_inset`` before the body's end; the neck),
    ``capsule`` (the foil over the neck's last ``capsule_length``, maroon).
    Sites: ``center`` (on the axis at the middle of the body: where it is grasped and where it lies in a cradle),
    ``bottom`` (under ``center``, the body's lowest point), ``neck`` (on the axis at the capsule's end).
    """

    kind: ClassVar[str] = "wine_bottle"
    radius: float = 0.028
    body_length: float = 0.13
    label_length: float = 0.06
    shoulder_inset: float = 0.0084
    neck_radius: float = 0.011
    neck_length: float = 0.065
    capsule_radius: float = 0.0118
    capsule_length: float = 0.035
    flat: float = 0.01

    @property
    def length(self) -> float:
        """Whole length from the base to the capsule's end (metres)."""
        return self.body_length + self.neck_length + self.capsule_length

    @property
    def body_center_x(self) -> float:
        """x of the body's middle in the object frame."""
        return -self.length / 2 + self.body_length / 2

    def parts(self) -> tuple[Part, ...]:
        r, lb = self.radius, self.body_length
        x0 = -self.length / 2  # the base
        xc = self.body_center_x
        x_label0, x_label1 = xc - self.label_length / 2, xc + self.label_length / 2
        x_body1 = x0 + lb  # the body's end, where the shoulder starts to narrow
        x_neck1 = x_body1 + self.neck_length  # where the capsule starts
        x_end = x_neck1 + self.capsule_length
        shoulder_center = x_body1 - self.shoulder_inset

        def along_x(radius: float, start: float, end: float) -> Primitive:
            return Primitive("cylinder", (radius, (end - start) / 2), ((start + end) / 2, 0.0, r), _ALONG_X)

        # A flat along the underside of the lower body (``flat`` wide, tangent to the round): a round bottle on a
        # flat table touches it along one line, where MuJoCo's convex collision finds one point at a time and the
        # bottle creeps into a roll; on the flat it lies still, as a real one does.
        w = self.flat / 2
        depth = r - math.sqrt(r * r - w * w)  # how far inside the round the flat's corners are (under 1 mm)
        body = Part(
            name="body",
            primitives=(
                along_x(r, x0, x_label0),
                Primitive("box", ((x_label0 - x0) / 2, w, depth), ((x0 + x_label0) / 2, 0.0, depth)),
            ),
            sites={"center": (xc, 0.0, r), "bottom": (xc, 0.0, 0.0), "neck": (x_end, 0.0, r)},
        )
        label = Part(name="label", primitives=(along_x(r, x_label0, x_label1),), parent="body", color="white")
        upper = Part(
            name="upper",
            primitives=(
                along_x(r, x_label1, x_body1),
                Primitive("sphere", (r,), (shoulder_center, 0.0, r)),
                along_x(self.neck_radius, shoulder_center, x_neck1),
            ),
            parent="body",
        )
        capsule = Part(
            name="capsule",
            primitives=(along_x(self.capsule_radius, x_neck1, x_end),),
            parent="body",
            color="maroon",
        )
        return (body, label, upper, capsule)

    def footprint_radius(self) -> float:
        return math.hypot(self.length / 2, self.radius)


@register_shape
@dataclass(frozen=True)
class WineRack(Shape):
    """Three cradles side by side (along y) for bottles lying along x; fixed to the table.

    Geometry: two rails (``rail`` thick along x, centres ``span`` apart) of a ``beam`` tall bar with four triangular
    teeth (45° flanks, ``tooth`` tall), and two end stringers joining the rails. A cradle is the ``floor`` wide
    stretch of beam top between two teeth; cradles are ``floor + 2 * tooth`` apart. Left is +y (the robot's left at
    yaw 0). Sites: ``slot_<name>`` (the middle of a cradle's floor, half-way between the rails), ``center``.
    """

    kind: ClassVar[str] = "wine_rack"
    free: ClassVar[bool] = False
    floor: float = 0.032
    tooth: float = 0.018
    beam: float = 0.02
    rail: float = 0.012
    span: float = 0.07

    @property
    def pitch(self) -> float:
        """Distance between neighbouring cradles (metres)."""
        return self.floor + 2 * self.tooth

    @property
    def width(self) -> float:
        """Overall size along y (metres): three cradles and the outer half of each end tooth."""
        return 3 * self.pitch + 2 * self.tooth

    def slot_y(self, name: str) -> float:
        """y of a cradle's middle in the rack frame."""
        return {"left": self.pitch, "middle": 0.0, "right": -self.pitch}[name]

    def parts(self) -> tuple[Part, ...]:
        t, w = self.rail / 2, self.width / 2
        half_diagonal = self.tooth / math.sqrt(2)  # a tooth is the top half of a box turned 45° about x
        prims = []
        for side in (-1.0, 1.0):
            x = side * self.span / 2
            prims.append(Primitive("box", (t, w, self.beam / 2), (x, 0.0, self.beam / 2)))
            for k in (-1.5, -0.5, 0.5, 1.5):
                prims.append(
                    Primitive(
                        "box",
                        (t, half_diagonal, half_diagonal),
                        (x, k * self.pitch, self.beam),
                        _tilted_about_x(math.pi / 4),
                    )
                )
        inner = self.span / 2 - t  # stringers run between the rails' inner faces
        for side in (-1.0, 1.0):
            prims.append(Primitive("box", (inner, t, self.beam / 2), (0.0, side * (w - t), self.beam / 2)))
        sites = {"center": (0.0, 0.0, self.beam), **{f"slot_{n}": (0.0, self.slot_y(n), self.beam) for n in SLOT_NAMES}}
        return (Part(name="body", primitives=tuple(prims), sites=sites),)

    def footprint_radius(self) -> float:
        return math.hypot(self.span + self.rail, self.width) / 2


def cradle_clearance(bottle: WineBottle, rack: WineRack) -> float:
    """Gap (metres) between a bottle lying on a cradle's floor and each 45° flank, both at their own scale.

    Negative: the bottle is too big to reach the floor and rests on the two flanks instead.
    """
    s = math.sqrt(0.5)
    return rack.floor / 2 * s - bottle.radius * (1 - s)
