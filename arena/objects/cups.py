"""Parametric objects of the StackCups task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, polygon_ring, register_shape


@register_shape
@dataclass(frozen=True)
class StackingCup(Shape):
    """A tapered, open-topped stacking cup: a flared polygonal wall round a flat bottom.

    The wall (``segments`` boxes from :func:`polygon_ring`) leans out by ``flare`` radians, so identical cups nest:
    each box is lengthened so the inner faces still meet at the rim, where the flared wall is widest (``polygon_ring``
    sizes them for the bottom, which leaves slots at the top of a flared wall);
    a cup dropped into another comes to rest with its bottom :meth:`nest_step` above the other's, its wall on the
    other's wall. The wall reaches down to the table; the bottom disc sits inside it. One segment faces +y, so the
    ``lip`` site lies on a flat face.

    Sites: ``base`` (centre of the underside, on the table), ``center`` (on the axis, half-way up), ``nest`` (on the
    axis at the height where a nested twin's ``base`` comes to rest), ``rim`` (on the axis at the rim's height),
    ``lip`` (the middle of the wall's top edge on the +y side: a pinch grasp, one finger inside, one outside).
    """

    kind: ClassVar[str] = "stacking_cup"
    unscaled: ClassVar[tuple[str, ...]] = ("flare", "segments")
    #: Every other wall box reaches this fraction of the wall thickness further up and down (see parts()).
    stagger: ClassVar[float] = 0.08
    radius: float = 0.02  # inner radius of the wall at the bottom
    height: float = 0.06  # wall length along its slant
    wall: float = 0.0025
    bottom: float = 0.003  # thickness of the bottom disc
    flare: float = 0.22
    segments: int = 16

    def __post_init__(self) -> None:
        if self.segments % 4:
            raise ValueError(f"segments must be a multiple of 4 (a face on +y for the lip), got {self.segments}")

    @property
    def _lift(self) -> float:
        """How far the wall is raised: its lowest (outer bottom) edge a tenth of the bottom's thickness above the
        table, so the cup stands on its bottom disc and no edge of the wall lies in the disc's underside (the
        printed union stays watertight)."""
        return 0.5 * self.wall * math.sin(self.flare) + 0.1 * self.bottom

    def nest_step(self) -> float:
        """Height of a nested twin's bottom above this cup's bottom (walls face to face): wall / sin(flare)."""
        return self.wall / math.sin(self.flare)

    def rim_height(self) -> float:
        """Height of the top of the wall above the table."""
        return self.height * math.cos(self.flare) + 0.5 * self.wall * math.sin(self.flare) + self._lift

    def top_inner_radius(self) -> float:
        """Inner radius (inscribed, of the wall's inner faces) at the rim."""
        return self.radius + 0.5 * self.wall * (1 - math.cos(self.flare)) + self.height * math.sin(self.flare)

    def bottom_outer_radius(self) -> float:
        """Outer radius (inscribed, of the wall's outer faces) at the table."""
        return self.radius + 0.5 * self.wall * (1 + math.cos(self.flare))

    def parts(self) -> tuple[Part, ...]:
        r, t, h, f = self.radius, self.wall, self.height, self.flare
        # long enough for neighbouring boxes to overlap (not just touch) at the rim: the union is one closed wall
        half_length = (self.top_inner_radius() + self.wall) * math.tan(math.pi / self.segments)
        # every other box reaches a hair (8% of the wall) further up and down, so no two boxes' end faces meet along
        # one line: the printed union has no sliver faces at the rim or the foot of the wall
        stagger = self.stagger * t
        ring = polygon_ring(r, t, h, center=(0.0, 0.0, self._lift), segments=self.segments, flare=f)
        wall = tuple(
            replace(box, size=(box.size[0], half_length, box.size[2] + (stagger if k % 2 == 0 else 0.0)))
            for k, box in enumerate(ring)
        )
        # the disc reaches three quarters into the wall: past the inner faces' corners (no pocket between disc and
        # wall, so the print has no hairline gap there) yet inside the outer faces (no flange)
        disc = Primitive("cylinder", (r + 0.75 * t, 0.5 * self.bottom), (0.0, 0.0, 0.5 * self.bottom))
        lip = r + 0.5 * t + h * math.sin(f)
        rim = self.rim_height()
        return (
            Part(
                name="body",
                primitives=(*wall, disc),
                sites={
                    "base": (0.0, 0.0, 0.0),
                    "center": (0.0, 0.0, 0.5 * rim),
                    "nest": (0.0, 0.0, self.nest_step()),
                    "rim": (0.0, 0.0, rim),
                    "lip": (0.0, lip, h * math.cos(f) + self._lift),
                },
            ),
        )

    def footprint_radius(self) -> float:
        return (self.top_inner_radius() + self.wall) / math.cos(math.pi / self.segments)
