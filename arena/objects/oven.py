"""Parametric objects of the TurnOvenOn task (registered with :func:`arena.objects.shapes.register_shape`): a toy
oven with a cooktop, and the strip of three control knobs mounted on its top."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Joint, Part, Primitive
from arena.objects.shapes import Shape, register_shape

_ROT_X_90 = (math.sqrt(0.5), math.sqrt(0.5), 0.0, 0.0)  # maps a cylinder's z axis onto y
#: The knobs, from the oven's right (-y) to its left (+y): its left is the robot's left, since it faces the robot.
KNOBS: tuple[str, ...] = ("right", "middle", "left")


@register_shape
@dataclass(frozen=True)
class Oven(Shape):
    """A small oven: a box of ``wall``-thick plates (open underneath) with a cooktop of four burners on its top and,
    on its front (-x), a door with a dark window and a bar handle.

    The door is the front plate (it does not open: the task only turns a knob); the window (black), the handle
    (silver) and the burners (black) are accent parts standing on the surfaces. Sites (body): ``panel`` (on the top,
    centred across the width, ``panel_inset`` behind the front face: where the knob strip is mounted), ``top``
    (centre of the top).
    """

    kind: ClassVar[str] = "oven"
    free: ClassVar[bool] = False
    width: float = 0.32
    depth: float = 0.24
    height: float = 0.18
    wall: float = 0.006
    panel_inset: float = 0.038
    handle_radius: float = 0.006
    handle_standoff: float = 0.026

    def parts(self) -> tuple[Part, ...]:
        w, d, h, t = self.width, self.depth, self.height, self.wall
        side_h = h - t
        body = (
            Primitive("box", (d / 2, w / 2, t / 2), (0.0, 0.0, h - t / 2)),  # top
            Primitive("box", (d / 2, t / 2, side_h / 2), (0.0, w / 2 - t / 2, side_h / 2)),  # left side
            Primitive("box", (d / 2, t / 2, side_h / 2), (0.0, -w / 2 + t / 2, side_h / 2)),  # right side
            Primitive("box", (t / 2, w / 2 - t, side_h / 2), (d / 2 - t / 2, 0.0, side_h / 2)),  # back
            Primitive("box", (t / 2, w / 2 - t, side_h / 2), (-d / 2 + t / 2, 0.0, side_h / 2)),  # door
        )
        proud = 0.4 * t  # the window pane and the burners stand this far off their surfaces
        window = (Primitive("box", (proud / 2, 0.36 * w, 0.24 * h), (-d / 2 - proud / 2, 0.0, 0.42 * h)),)
        r, s = self.handle_radius, self.handle_standoff
        z_handle = 0.82 * h
        post = (s / 2, r, r)
        handle = (
            Primitive("cylinder", (r, 0.32 * w), (-d / 2 - s, 0.0, z_handle), _ROT_X_90),
            Primitive("box", post, (-d / 2 - s / 2, 0.28 * w, z_handle)),
            Primitive("box", post, (-d / 2 - s / 2, -0.28 * w, z_handle)),
        )
        burners = tuple(
            Primitive("cylinder", (radius, proud / 2), (x, y, h + proud / 2))
            for x, radius in ((0.02 * d, 0.125 * d), (0.29 * d, 0.145 * d))
            for y in (-0.234 * w, 0.234 * w)
        )
        return (
            Part(
                name="body",
                primitives=body,
                sites={"panel": (-d / 2 + self.panel_inset, 0.0, h), "top": (0.0, 0.0, h)},
            ),
            Part(name="window", primitives=window, parent="body", color="black"),
            Part(name="handle", primitives=handle, parent="body", color="silver"),
            Part(name="burners", primitives=burners, parent="body", color="black"),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.depth / 2 + self.handle_standoff + self.handle_radius, self.width / 2)


@register_shape
@dataclass(frozen=True)
class OvenKnobs(Shape):
    """A control strip with three knobs (``right``, ``middle``, ``left`` along +y), each turning about the vertical.

    The strip is a plate ``strip_depth`` x (two ``spacing`` plus a knob and a margin) x ``strip_thickness``; each knob
    (part and joint ``knob_<name>``) is a round skirt ``knob_radius`` x ``skirt_height`` with a grip fin on top
    (``fin_length`` along the knob's x, ``fin_thickness`` across, ``fin_height`` tall) that the fingers pinch, and a
    white pointer along the fin's top toward the knob's -x: at 0 (off) every pointer points to the strip's front.
    The strip is a gray accent; the knobs take the object's colour.
    A knob turns counter-clockwise seen from above (positive) from 0 to ``max_turn`` radians, damped, with the dry
    friction (stiction) of a real knob, so it stays where it is left. The strip is a fixed object mounted on the
    oven (its frame origin on the oven's ``panel`` site), scaled by its own size axis.

    Sites: ``knob_<name>`` (on the strip, on the knob's axis at the strip's top), ``grip_<name>`` (on the knob, the
    fin's centre) and ``face_<name>`` (on the knob, on the fin's +y face at the skirt's top: the fin's thickness and
    the skirt's height).
    """

    kind: ClassVar[str] = "oven_knobs"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("max_turn",)
    spacing: float = 0.055
    strip_depth: float = 0.036
    strip_thickness: float = 0.006
    margin: float = 0.008
    knob_radius: float = 0.015
    skirt_height: float = 0.008
    fin_length: float = 0.026
    fin_thickness: float = 0.008
    fin_height: float = 0.02
    pointer: float = 0.003
    max_turn: float = 2.6

    #: Dry friction of a knob's joint (N m): a real oven knob's stiction.
    KNOB_FRICTION: ClassVar[float] = 0.03
    #: Damping of a knob's joint (N m s / rad).
    KNOB_DAMPING: ClassVar[float] = 0.005

    def strip_length(self) -> float:
        """Length of the strip along y (metres)."""
        return 2 * (self.spacing + self.knob_radius + self.margin)

    def knob_y(self, name: str) -> float:
        """Where knob ``name`` sits along the strip (metres from its centre, +y is the oven's left)."""
        return (KNOBS.index(name) - 1) * self.spacing

    def parts(self) -> tuple[Part, ...]:
        st, sh = self.strip_thickness, self.skirt_height
        strip = Primitive("box", (self.strip_depth / 2, self.strip_length() / 2, st / 2), (0.0, 0.0, st / 2))
        sites = {f"knob_{n}": (0.0, self.knob_y(n), st) for n in KNOBS}
        parts = [Part(name="body", primitives=(strip,), sites=sites, color="gray")]
        fl, ft, fh, p = self.fin_length, self.fin_thickness, self.fin_height, self.pointer
        for name in KNOBS:
            knob = (
                Primitive("cylinder", (self.knob_radius, sh / 2), (0.0, 0.0, sh / 2)),  # skirt
                Primitive("box", (fl / 2, ft / 2, fh / 2), (0.0, 0.0, sh + fh / 2)),  # grip fin
            )
            parts.append(
                Part(
                    name=f"knob_{name}",
                    primitives=knob,
                    pos=(0.0, self.knob_y(name), st),
                    parent="body",
                    joint=Joint(
                        "hinge",
                        (0.0, 0.0, 1.0),
                        (0.0, self.max_turn),
                        damping=self.KNOB_DAMPING,
                        frictionloss=self.KNOB_FRICTION,
                    ),
                    sites={f"grip_{name}": (0.0, 0.0, sh + fh / 2), f"face_{name}": (0.0, ft / 2, sh)},
                )
            )
            pointer = Primitive("box", (fl / 4, ft / 4, p / 2), (-fl / 4, 0.0, sh + fh + p / 2))
            parts.append(Part(name=f"pointer_{name}", primitives=(pointer,), parent=f"knob_{name}", color="white"))
        return tuple(parts)

    def footprint_radius(self) -> float:
        return math.hypot(self.strip_depth, self.strip_length()) / 2
