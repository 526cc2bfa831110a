"""Parametric objects of the SetupChess task (registered with :func:`arena.objects.shapes.register_shape`).

A chess board (fixed) with a site on every square, and a king, a rook and a pawn turned from cylinders, a sphere and
boxes. Piece frames: origin at the centre of the base on the table, z up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape

FILES = "abcdefgh"


def _disc(radius: float, bottom: float, height: float) -> Primitive:
    """A vertical cylinder of ``radius`` from ``bottom`` up by ``height``."""
    return Primitive("cylinder", (radius, height / 2), (0.0, 0.0, bottom + height / 2))


@register_shape
@dataclass(frozen=True)
class ChessBoard(Shape):
    """An 8 x 8 chess board: a light plate (the object's colour) with the 32 dark squares laid on it as tiles.

    White's side faces the robot: rank 1 is the nearest row (-x), file a is on the robot's left (+y). The dark
    tiles are one accent-coloured part (``dark_squares``, colour ``dark``), each tile ``overlap`` wider than its
    square on every side so diagonal neighbours join at their corners: the tiles print as one sheet.

    Sites: ``square_<file><rank>`` (``square_a1`` ... ``square_h8``) at the centre of each square, on its top
    surface (a dark square's tile top), ``center`` (centre of the plate's top).
    """

    kind: ClassVar[str] = "chess_board"
    free: ClassVar[bool] = False
    square: float = 0.035
    border: float = 0.012
    thickness: float = 0.012
    tile: float = 0.002
    overlap: float = 0.0007
    dark: ClassVar[str] = "green"

    @property
    def side(self) -> float:
        """Edge length of the board (metres)."""
        return 8 * self.square + 2 * self.border

    def square_center(self, name: str) -> tuple[float, float]:
        """(x, y) of a square's centre in the board frame, e.g. ``square_center("e1")``."""
        file, rank = FILES.index(name[0]), int(name[1:])
        return ((rank - 4.5) * self.square, (3.5 - file) * self.square)

    @staticmethod
    def is_dark(name: str) -> bool:
        """Whether a square (``a1`` ... ``h8``) is dark: a1 is."""
        return (FILES.index(name[0]) + int(name[1:])) % 2 == 1

    def parts(self) -> tuple[Part, ...]:
        s, t = self.square, self.thickness
        names = [f"{f}{r}" for r in range(1, 9) for f in FILES]
        sites = {"center": (0.0, 0.0, t)}
        tiles = []
        half_tile = s / 2 + self.overlap
        for name in names:
            x, y = self.square_center(name)
            top = t + (self.tile if self.is_dark(name) else 0.0)
            sites[f"square_{name}"] = (x, y, top)
            if self.is_dark(name):
                tiles.append(Primitive("box", (half_tile, half_tile, self.tile / 2), (x, y, t + self.tile / 2)))
        plate = Primitive("box", (self.side / 2, self.side / 2, t / 2), (0.0, 0.0, t / 2))
        return (
            Part(name="body", primitives=(plate,), sites=sites),
            Part(name="dark_squares", primitives=tuple(tiles), parent="body", color=self.dark),
        )

    def footprint_radius(self) -> float:
        return self.side / math.sqrt(2)


@dataclass(frozen=True)
class _Piece(Shape):
    """A chess piece standing on a round base. Sites: ``base`` (centre of the underside), ``center`` (half-way
    up the axis), ``grip`` (on the axis where the fingers close), ``top``."""

    base_radius: float = 0.012
    base_height: float = 0.005

    def body(self) -> tuple[Primitive, ...]:
        """Everything above the base."""
        raise NotImplementedError

    def height(self) -> float:
        """Total height (metres)."""
        raise NotImplementedError

    def grip_height(self) -> float:
        """Height of the ``grip`` site."""
        raise NotImplementedError

    def parts(self) -> tuple[Part, ...]:
        h = self.height()
        return (
            Part(
                name="body",
                primitives=(_disc(self.base_radius, 0.0, self.base_height), *self.body()),
                sites={
                    "base": (0.0, 0.0, 0.0),
                    "center": (0.0, 0.0, h / 2),
                    "grip": (0.0, 0.0, self.grip_height()),
                    "top": (0.0, 0.0, h),
                },
            ),
        )

    def footprint_radius(self) -> float:
        return self.base_radius


@register_shape
@dataclass(frozen=True)
class ChessPawn(_Piece):
    """A pawn: base, a tapering stem (two discs), a collar, a neck and a ball head."""

    kind: ClassVar[str] = "chess_pawn"
    base_radius: float = 0.012
    base_height: float = 0.005
    stem_radius: float = 0.0085
    stem_height: float = 0.014
    head_radius: float = 0.0075
    collar: float = 0.002
    neck: float = 0.004
    grip_offset: float = 0.001

    def body(self) -> tuple[Primitive, ...]:
        b, sh = self.base_height, self.stem_height
        collar = b + sh
        neck = collar + self.collar
        return (
            _disc(self.stem_radius, b, sh / 2),
            _disc(self.stem_radius * 0.8, b + sh / 2, sh / 2),
            _disc(self.stem_radius * 0.95, collar, self.collar),
            _disc(self.head_radius * 0.6, neck, self.neck),
            Primitive("sphere", (self.head_radius,), (0.0, 0.0, neck + self.neck + self.head_radius * 0.8)),
        )

    def height(self) -> float:
        return self.base_height + self.stem_height + self.collar + self.neck + 1.8 * self.head_radius

    def grip_height(self) -> float:
        return self.base_height + self.stem_height / 2 + self.grip_offset


@register_shape
@dataclass(frozen=True)
class ChessRook(_Piece):
    """A rook: base, a straight tower, a wider turret with four merlons on its rim."""

    kind: ClassVar[str] = "chess_rook"
    base_radius: float = 0.013
    base_height: float = 0.005
    tower_radius: float = 0.0095
    tower_height: float = 0.026
    turret_radius: float = 0.0115
    turret_height: float = 0.008
    merlon: float = 0.004
    grip_offset: float = 0.002

    def body(self) -> tuple[Primitive, ...]:
        b, th = self.base_height, self.tower_height
        top = b + th + self.turret_height
        m = self.merlon
        merlons = tuple(
            Primitive(
                "box",
                (m / 2, m / 2, m / 2),
                (
                    (self.turret_radius - m / 2) * math.cos(k * math.pi / 2),
                    (self.turret_radius - m / 2) * math.sin(k * math.pi / 2),
                    top + m / 2,
                ),
            )
            for k in range(4)
        )
        return (_disc(self.tower_radius, b, th), _disc(self.turret_radius, b + th, self.turret_height), *merlons)

    def height(self) -> float:
        return self.base_height + self.tower_height + self.turret_height + self.merlon

    def grip_height(self) -> float:
        return self.base_height + self.tower_height / 2 + self.grip_offset


@register_shape
@dataclass(frozen=True)
class ChessKing(_Piece):
    """A king: base, a tall tapering body (two discs), a collar, a crown and a cross on top."""

    kind: ClassVar[str] = "chess_king"
    base_radius: float = 0.014
    base_height: float = 0.006
    body_radius: float = 0.0095
    body_height: float = 0.036
    crown_radius: float = 0.0095
    crown_height: float = 0.01
    cross: float = 0.012
    collar: float = 0.003
    cross_bar: float = 0.002  # half thickness of the cross's bars
    grip_offset: float = -0.002

    def body(self) -> tuple[Primitive, ...]:
        b, bh = self.base_height, self.body_height
        collar = b + bh
        crown = collar + self.collar
        top = crown + self.crown_height
        c, w = self.cross, self.cross_bar
        return (
            _disc(self.body_radius, b, bh / 2),
            _disc(self.body_radius * 0.8, b + bh / 2, bh / 2),
            _disc(self.crown_radius * 1.15, collar, self.collar),
            _disc(self.crown_radius, crown, self.crown_height),
            Primitive("box", (w, w, c / 2), (0.0, 0.0, top + c / 2)),
            Primitive("box", (w, c / 3, w), (0.0, 0.0, top + 0.62 * c)),
        )

    def height(self) -> float:
        return self.base_height + self.body_height + self.collar + self.crown_height + self.cross

    def grip_height(self) -> float:
        return self.base_height + self.body_height / 2 + self.grip_offset
