"""Parametric objects of the BasketballInHoop task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, polygon_ring, register_shape


@register_shape
@dataclass(frozen=True)
class Ball(Shape):
    """A toy basketball: a sphere with a small flat under it (the printed ball's first layer, ``foot`` of its radius
    wide), so it stands still on the table as the printed one does and prints without support.

    Sites: ``center`` (the sphere's centre), ``top``.
    """

    kind: ClassVar[str] = "ball"
    unscaled: ClassVar[tuple[str, ...]] = ("foot",)
    radius: float = 0.026
    foot: float = 0.14  # radius of the flat, as a fraction of the ball's radius

    def foot_height(self) -> float:
        """Height of the flat's cylinder: a quarter of the radius, so its top lies well inside the sphere (only a
        sliver under the sphere shows) and it is thick enough that nothing thin, like a rim, can cut into it."""
        return 0.25 * self.radius

    def parts(self) -> tuple[Part, ...]:
        r, h = self.radius, self.foot_height()
        return (
            Part(
                name="body",
                primitives=(
                    Primitive("sphere", (r,), (0.0, 0.0, r)),
                    Primitive("cylinder", (self.foot * r, h / 2), (0.0, 0.0, h / 2)),
                ),
                sites={"center": (0.0, 0.0, r), "top": (0.0, 0.0, 2 * r)},
            ),
        )

    def footprint_radius(self) -> float:
        return self.radius


def _tube_ring(radius: float, tube: float, center: tuple[float, float, float], segments: int) -> tuple[Primitive, ...]:
    """A polygonal torus: ``segments`` horizontal cylinders of radius ``tube`` along the edges of a regular polygon
    whose inscribed circle has ``radius`` (the tube's centreline), joined by a sphere at every corner."""
    cx, cy, cz = center
    half_length = radius * math.tan(math.pi / segments)
    corner = radius / math.cos(math.pi / segments)
    prims = []
    for k in range(segments):
        angle = 2 * math.pi * k / segments
        # The cylinder's axis (z) turned onto the edge's tangent: 90 degrees about x, then the edge's yaw.
        c, sn = math.sqrt(0.5) * math.cos(angle / 2), math.sqrt(0.5) * math.sin(angle / 2)
        quat = (c, c, sn, sn)
        prims.append(
            Primitive(
                "cylinder",
                (tube, half_length),
                (cx + radius * math.cos(angle), cy + radius * math.sin(angle), cz),
                quat,
            )
        )
        between = angle + math.pi / segments
        prims.append(
            Primitive("sphere", (1.02 * tube,), (cx + corner * math.cos(between), cy + corner * math.sin(between), cz))
        )
    return tuple(prims)


@register_shape
@dataclass(frozen=True)
class BasketballHoop(Shape):
    """A toy basketball hoop on a stand: base plate, post, backboard, and a horizontal rim sticking out in front.

    The backboard faces -x; its front face and the neck below it (a narrow post from the board down to the rim's
    bracket) lie in the plane x = 0. The post stands behind them on the base plate, which lies entirely behind that
    plane, so a ball falling through the rim lands on the table, clear of the base.

    The rim is a flat band (:func:`polygon_ring`, ``rim_thickness`` wide, half as tall) whose top is covered by a
    45 degree roof: its flat underside prints on the bed, and nowhere on top is there a flat a ball could rest on.
    A ball touching the roof's inner face is pushed inward and drops through; one touching its outer face rolls off
    outward. The opening's radius is ``rim_radius`` (the band's inner faces). A bracket holds the rim ``rim_gap``
    in front of the neck; ``rim_gap`` plus half the rim is less than any ball's radius, so a ball pressed against
    the neck above the rim's back has its centre inside the roof's ridge and drops through. The backboard starts
    ``board_above`` over the rim, above the top of any ball resting against the rim, so no ball can wedge between
    rim and board (a full-height board beside the rim would make such pockets).

    Parts: ``body`` (base, post, neck, backboard), ``rim`` (band, roof, bracket; red) and ``square`` (the shooter's
    square on the board; red), both fixed to the body. Sites: ``rim_center`` (the centre of the opening in the
    band's mid-plane), ``rim_edge`` (the band's inner face at the front, same plane), ``top`` (on the rim's axis
    at the height of its ridge).
    """

    kind: ClassVar[str] = "basketball_hoop"
    free: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("segments",)
    rim_radius: float = 0.046  # radius of the opening
    rim_thickness: float = 0.005  # radial width of the rim (its band is half as tall; its roof rises as much again)
    rim_z: float = 0.19  # height of the band's mid-plane above the table
    rim_gap: float = 0.008  # between the rim's outer edge and the neck
    bracket_width: float = 0.024
    neck_width: float = 0.024
    board_width: float = 0.16
    board_height: float = 0.09
    board_thickness: float = 0.008
    board_above: float = 0.092  # height of the backboard's bottom edge above the rim's mid-plane
    square_width: float = 0.05  # the shooter's square painted on the board (outline)
    square_height: float = 0.036
    square_line: float = 0.005
    square_depth: float = 0.002  # how far the square stands proud of the board
    post: float = 0.02  # side of the square post
    base_width: float = 0.14
    base_depth: float = 0.10
    base_thickness: float = 0.012
    segments: int = 16

    def rim_center(self) -> tuple[float, float, float]:
        """Centre of the rim's opening in the band's mid-plane (object frame)."""
        return (-(self.rim_gap + self.rim_thickness + self.rim_radius), 0.0, self.rim_z)

    def ridge_height(self) -> float:
        """Height of the roof's ridge above the band's mid-plane."""
        return 0.3 * self.rim_thickness + 0.5 * self.rim_thickness

    def parts(self) -> tuple[Part, ...]:
        bt, bw, bh = self.board_thickness, self.board_width, self.board_height
        cx, _, cz = self.rim_center()
        t = self.rim_thickness
        board_bottom = cz + self.board_above
        ps = self.post
        base = Primitive(
            "box",
            (self.base_depth / 2, self.base_width / 2, self.base_thickness / 2),
            (self.base_depth / 2, 0.0, self.base_thickness / 2),
        )
        post_top = board_bottom + 0.6 * bh
        post_bottom = self.base_thickness / 2  # sunk into the base plate, so they print as one body
        post = Primitive(
            "box",
            (ps / 2, ps / 2, (post_top - post_bottom) / 2),
            (bt + ps / 2 - 0.1 * bt, 0.0, (post_top + post_bottom) / 2),  # a little into the board's back
        )
        board = Primitive("box", (bt / 2, bw / 2, bh / 2), (bt / 2, 0.0, board_bottom + bh / 2))
        neck_bottom = cz - t
        neck = Primitive(
            "box",
            (bt / 2, self.neck_width / 2, (board_bottom + 0.1 * bh - neck_bottom) / 2),
            (bt / 2, 0.0, (board_bottom + 0.1 * bh + neck_bottom) / 2),
        )
        band = polygon_ring(self.rim_radius, t, 0.6 * t, (cx, 0.0, cz - 0.3 * t), self.segments)
        # The tube is 2% narrower than the band, so its sides stay just inside the band's faces.
        tube = _tube_ring(self.rim_radius + 0.5 * t, 0.5 * t, (cx, 0.0, cz + 0.3 * t), self.segments)
        reach = self.rim_gap + 0.5 * t  # from the neck's face into the band's back segment
        bracket = Primitive("box", (reach / 2, self.bracket_width / 2, 0.3 * t), (-reach / 2, 0.0, cz))
        # Shooter's square: an outline standing proud of the board, above the rim.
        sw, sh, line, sd = self.square_width, self.square_height, self.square_line, self.square_depth
        bottom = board_bottom + 0.15 * bh
        square = (
            Primitive("box", (sd / 2, sw / 2, line / 2), (-sd / 2, 0.0, bottom + line / 2)),  # bottom bar
            Primitive("box", (sd / 2, sw / 2, line / 2), (-sd / 2, 0.0, bottom + sh - line / 2)),  # top bar
            Primitive("box", (sd / 2, line / 2, sh / 2), (-sd / 2, sw / 2 - line / 2, bottom + sh / 2)),
            Primitive("box", (sd / 2, line / 2, sh / 2), (-sd / 2, -sw / 2 + line / 2, bottom + sh / 2)),
        )
        return (
            Part(name="body", primitives=(base, post, neck, board), sites={"rim_center": (cx, 0.0, cz)}),
            Part(
                name="rim",
                primitives=(*band, *tube, bracket),
                parent="body",
                color="red",
                sites={"rim_edge": (cx - self.rim_radius, 0.0, cz), "top": (cx, 0.0, cz + self.ridge_height())},
            ),
            Part(name="square", primitives=square, parent="body", color="red"),
        )

    def footprint_radius(self) -> float:
        front = -self.rim_center()[0] + self.rim_radius + self.rim_thickness
        back = math.hypot(self.base_depth, self.base_width / 2)
        board = math.hypot(self.board_thickness, self.board_width / 2)
        return max(front, back, board)
