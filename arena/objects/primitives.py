"""Geometric building blocks of every task object: the one definition both MuJoCo and STL export read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

PrimitiveKind = Literal["box", "cylinder", "sphere", "wedge", "capsule"]
#: Number of size parameters of each primitive kind.
PRIMITIVE_SIZES: dict[str, int] = {"box": 3, "cylinder": 2, "sphere": 1, "wedge": 3, "capsule": 2}


@dataclass(frozen=True)
class Primitive:
    """A solid primitive in its part's frame.

    Attributes:
        kind: ``box`` (size = half extents x, y, z), ``cylinder`` (size = radius, half height; axis z) or
            ``sphere`` (size = radius,) or ``wedge`` (size = half extents x, y, z of its bounding box: a right
            triangular prism, the half of that box below the plane through its top back edge (-x, +z) and its bottom
            front edge (+x, -z): full bottom and back faces, a slope falling to a knife edge at the front; a
            bevelled blade's edge, see :func:`wedge_vertices`) or ``capsule`` (size = radius, half length of its
            cylindrical middle; axis z: a rope's link). All lengths in metres.
        size: Size parameters as above.
        pos: Centre in the part frame (metres).
        quat: Orientation in the part frame (w, x, y, z).
    """

    kind: PrimitiveKind
    size: tuple[float, ...]
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    quat: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)

    def volume(self) -> float:
        """Solid volume in cubic metres."""
        if self.kind == "box":
            return 8.0 * float(np.prod(self.size))
        if self.kind == "cylinder":
            return float(np.pi * self.size[0] ** 2 * 2 * self.size[1])
        if self.kind == "wedge":
            return 4.0 * float(np.prod(self.size))
        if self.kind == "capsule":
            return float(np.pi * self.size[0] ** 2 * (2 * self.size[1] + 4.0 / 3.0 * self.size[0]))
        return float(4.0 / 3.0 * np.pi * self.size[0] ** 3)


def wedge_vertices(size: tuple[float, ...]) -> np.ndarray:
    """The six corners (6 x 3, in the primitive's own frame) of a ``wedge`` primitive of half extents ``size``."""
    hx, hy, hz = size
    return np.array(
        [[x, y, z] for y in (-hy, hy) for x, z in ((-hx, -hz), (hx, -hz), (-hx, hz))],
        dtype=float,
    )


@dataclass(frozen=True)
class Joint:
    """How a part moves relative to its parent part.

    Attributes:
        kind: ``hinge`` (axis of rotation), ``slide`` (direction of travel) or ``ball`` (turns freely about a point:
            the links of a rope; its range is ``(0, largest bend)`` and its axis is ignored).
        axis: Unit axis in the parent-part frame.
        pos: A point on the hinge axis, in the part frame.
        range: Limits (radians or metres).
        damping: Joint damping (N·m·s/rad or N·s/m).
        frictionloss: Dry friction of the joint.
        stiffness: Spring stiffness toward the joint's zero position (N·m/rad or N/m): a rope's bending stiffness,
            a spring-loaded lever.
        holds: Whether the joint's friction holds a steady load without creeping (a laptop's friction hinge
            holding its lid at any angle): a stiff friction constraint instead of MuJoCo's soft default, under
            which a lid held only by friction sinks about 0.03 rad/s.
    """

    kind: Literal["hinge", "slide", "ball"]
    axis: tuple[float, float, float]
    range: tuple[float, float]
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    damping: float = 1.0
    frictionloss: float = 0.0
    stiffness: float = 0.0
    holds: bool = False


@dataclass(frozen=True)
class Part:
    """One rigid, separately printable piece of an object.

    Attributes:
        name: Part name, unique within its object (``body``, ``lid``, ``drawer_top`` ...).
        primitives: Solids whose union is the part.
        pos: Part frame origin in the parent-part frame (or the object frame for the root part).
        quat: Part frame orientation in the same frame.
        parent: Name of the parent part (None for the root part).
        joint: How the part moves relative to its parent (None: rigidly fixed).
        sites: Named points in the part frame that experts and predicates use (grasp points, handles).
        color: A fixed accent colour (one of the named colours) for this part, or None for the object's colour.
            Accent parts keep their colour under the colour axes (a peg's paint, a band round a stack of notes);
            they print in that filament.
        friction: Sliding friction of this part's surface, or None for the object's. A part with its own friction
            (a slick spatula blade, a rubber foot) governs its contacts with every other object; the Friction axis
            still scales it with the object's factor.
    """

    name: str
    primitives: tuple[Primitive, ...]
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    quat: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)
    parent: str | None = None
    joint: Joint | None = None
    sites: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    color: str | None = None
    friction: float | None = None

    def volume(self) -> float:
        """Sum of primitive volumes (cubic metres); an upper bound where primitives touch or overlap."""
        return sum(p.volume() for p in self.primitives)
