"""Parametric objects of the InsertOntoSquarePeg task (registered with :func:`arena.objects.shapes.register_shape`).

- :class:`SquareRing`: a flat square frame with a square hole (the manipulated ring), picked up by one side bar.
- :class:`PegBoard`: a base plate with three square pegs standing in a row (the receiver), each peg a separate part
  in its own accent colour, so the pegs stay told apart (and are printed in their own filament) under every axis.

The fit is the hole side ``SquareRing.hole`` against the peg side ``PegBoard.peg``; both scale with their object,
so the play per side is ``(hole * ring_scale - peg * board_scale) / 2`` (:func:`peg_clearance`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape

#: Peg names from the robot's left (+y of the board) to its right (-y), and the peg accent colours.
PEG_NAMES: tuple[str, ...] = ("left", "middle", "right")
PEG_COLORS: dict[str, str] = {"left": "red", "middle": "lime", "right": "blue"}


@register_shape
@dataclass(frozen=True)
class SquareRing(Shape):
    """A flat square frame lying on the table: four bars of width ``bar`` round a square hole of side ``hole``.

    Sites: ``center`` (centre of the hole, half-way up), ``grip`` (middle of the front bar, the one on the -x side,
    half-way up: fingers close across it along x), ``bottom`` (centre of the hole at the frame's underside).
    """

    kind: ClassVar[str] = "square_ring"
    hole: float = 0.030
    bar: float = 0.013
    thickness: float = 0.016

    @property
    def outer(self) -> float:
        """Outer side of the frame (metres)."""
        return self.hole + 2 * self.bar

    def parts(self) -> tuple[Part, ...]:
        h, b, t = self.hole / 2, self.bar, self.thickness
        outer = h + b
        bars = (
            Primitive("box", (b / 2, outer, t / 2), (-(h + b / 2), 0.0, t / 2)),  # front bar (grasped)
            Primitive("box", (b / 2, outer, t / 2), (h + b / 2, 0.0, t / 2)),  # back bar
            Primitive("box", (h, b / 2, t / 2), (0.0, h + b / 2, t / 2)),  # left bar, between the two
            Primitive("box", (h, b / 2, t / 2), (0.0, -(h + b / 2), t / 2)),  # right bar
        )
        sites = {
            "center": (0.0, 0.0, t / 2),
            "grip": (-(h + b / 2), 0.0, t / 2),
            "bottom": (0.0, 0.0, 0.0),
        }
        return (Part(name="body", primitives=bars, sites=sites),)

    def footprint_radius(self) -> float:
        return self.outer / math.sqrt(2)


@register_shape
@dataclass(frozen=True)
class PegBoard(Shape):
    """A base plate (``depth`` along x, ``length`` along y, ``base`` thick) with three square pegs in a row along y.

    Parts: ``body`` (the plate, the object's colour) and ``peg_left``, ``peg_middle``, ``peg_right`` (square pillars
    of side ``peg`` and ``height`` above the plate, ``pitch`` apart, standing on the plate's top face; left is +y,
    the robot's left at yaw 0), each in its fixed accent colour (:data:`PEG_COLORS`). Sites: ``peg_<name>`` (the
    peg's axis at the plate's top face, where a ring comes to rest), ``peg_<name>_top`` (centre of the peg's top),
    ``center`` (middle of the plate's top face).
    """

    kind: ClassVar[str] = "peg_board"
    free: ClassVar[bool] = False
    depth: float = 0.07
    length: float = 0.24
    base: float = 0.012
    peg: float = 0.024
    height: float = 0.05
    pitch: float = 0.09

    def peg_y(self, name: str) -> float:
        """y of a peg's axis in the board frame."""
        return {"left": self.pitch, "middle": 0.0, "right": -self.pitch}[name]

    def parts(self) -> tuple[Part, ...]:
        d, w, z = self.depth / 2, self.length / 2, self.base
        plate = Part(
            name="body",
            primitives=(Primitive("box", (d, w, z / 2), (0.0, 0.0, z / 2)),),
            sites={
                "center": (0.0, 0.0, z),
                **{f"peg_{n}": (0.0, self.peg_y(n), z) for n in PEG_NAMES},
                **{f"peg_{n}_top": (0.0, self.peg_y(n), z + self.height) for n in PEG_NAMES},
            },
        )
        p = self.peg / 2
        pegs = tuple(
            Part(
                name=f"peg_{n}",
                primitives=(Primitive("box", (p, p, self.height / 2), (0.0, 0.0, self.height / 2)),),
                pos=(0.0, self.peg_y(n), z),  # stands on the plate's top face (touching, not overlapping it)
                parent="body",
                color=PEG_COLORS[n],
            )
            for n in PEG_NAMES
        )
        return (plate, *pegs)

    def footprint_radius(self) -> float:
        return math.hypot(self.depth, self.length) / 2


def peg_clearance(ring: SquareRing, board: PegBoard) -> float:
    """Play per side (metres) between a peg and the ring's hole, both at their own scale (negative: no fit)."""
    return (ring.hole - board.peg) / 2
