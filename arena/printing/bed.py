"""Putting parts on the print bed: splitting parts too big for it, and choosing how each piece lies.

Every piece lies on whichever of its six axis-aligned sides fits the bed, stands stably on a flat face and
needs the least support (plus a small penalty for height). A part larger than the bed, or one that prints far
better in pieces, is cut by planes into pieces that are glued back together on their flat cut faces. Cuts run
across one axis at a time, each placed where the cut face is smallest within the room the bed allows (so cuts
avoid dividers, handles and solid blocks) and never within :data:`SLIVER_MARGIN_MM` of a face parallel to the
cut (no slivers). A part is never cut into more than :data:`MAX_PIECES` pieces, and a part marked to print whole
(the hinge pin) is never cut: a bed too small for that is refused, naming the part and the bed.

The bed is an argument everywhere (``bed``: width, depth, height in millimetres), :data:`DEFAULT_BED_MM` unless
given; ``arena print-models --bed WxDxH`` sets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from arena.printing.errors import PrintExportError
from arena.printing.mesh import Solid, affine, bounds, to_trimesh, transformed

#: A print bed: width, depth and height of the build volume (millimetres).
Bed = tuple[float, float, float]
#: Default build volume (millimetres): fits the common printers, e.g. Prusa MK4 (250 x 210 x 220) and Core One,
#: Bambu Lab A1 / P1 / X1 (256 x 256 x 256) and Creality Ender-3 (220 x 220 x 250).
DEFAULT_BED_MM: Bed = (210.0, 210.0, 220.0)
#: Most pieces one part may be cut into; a bed that needs more is too small for the part.
MAX_PIECES = 16
#: Room kept free at the bed's edges when deciding cuts (millimetres).
BED_MARGIN_MM = 5.0
#: A cut stays at least this far from any face parallel to it (millimetres).
SLIVER_MARGIN_MM = 3.0
#: Faces steeper than this below the horizontal need support (degrees from vertical, the usual 45).
OVERHANG_DEG = 45.0
#: Supports are called for when the overhanging area exceeds this (square millimetres).
SUPPORT_AREA_MM2 = 25.0
#: A flat face to stand on must be at least this large (square millimetres).
MIN_CONTACT_MM2 = 10.0
#: Each extra piece of a cut-up part weighs like this much overhang (mm^2): a glue joint to make.
CUT_COST_MM2 = 2000.0
#: When choosing an orientation, each millimetre of height weighs like this much overhang (mm^2 per mm):
#: tall prints take longer and stand less steadily on the bed.
HEIGHT_WEIGHT_MM2_PER_MM = 10.0

#: Object axis that points up in each candidate print orientation, and the rotation that puts it up.
_UP_ROTATIONS: dict[str, np.ndarray] = {
    "+z": np.eye(3),
    "-z": np.array([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]]),
    "-x": np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]]),
    "+x": np.array([[0.0, 0.0, -1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
    "+y": np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]]),
    "-y": np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]]),
}
#: Words for the manifest: which side of the object rests on the bed.
UP_WORDS = {
    "+z": "upright, as it stands on the table",
    "-z": "upside down",
    "-x": "on its back (front face up)",
    "+x": "on its front (back face up)",
    "+y": "on its -y side",
    "-y": "on its +y side",
}


@dataclass(frozen=True)
class Placement:
    """How one piece lies on the bed.

    Attributes:
        up: Object axis pointing up (``+z`` upright, ``-z`` upside down, ...).
        to_object: 4x4 transform from bed coordinates (millimetres, bed centre at the origin, bed plane z = 0)
            back to the object frame: how the printed piece is assembled.
        mesh: The piece in bed coordinates.
        overhang_mm2: Area facing down steeper than :data:`OVERHANG_DEG` from vertical, off the bed.
        contact_mm2: Area resting on the bed.
        stable: Whether the centre of mass lies over the contact area.
    """

    up: str
    to_object: np.ndarray
    mesh: trimesh.Trimesh
    overhang_mm2: float
    contact_mm2: float
    stable: bool

    @property
    def supports(self) -> bool:
        """Whether the piece needs support material."""
        return self.overhang_mm2 > SUPPORT_AREA_MM2


def check_bed(bed: object) -> Bed:
    """``bed`` as three floats (width, depth, height in mm); ``PrintExportError`` when it is not a usable bed."""
    try:
        values = tuple(float(v) for v in bed)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        values = ()
    smallest = 2 * BED_MARGIN_MM
    if len(values) != 3 or not all(math.isfinite(v) and v > smallest for v in values):
        raise PrintExportError(
            f"bed {bed!r} is not a build volume: expected width, depth and height in millimetres, each over "
            f"{smallest:g} mm, e.g. {bed_text(DEFAULT_BED_MM)}"
        )
    return values  # type: ignore[return-value]


def bed_text(bed: Bed) -> str:
    """``210 x 210 x 220 mm``."""
    return " x ".join(f"{v:g}" for v in bed) + " mm"


def fits_bed(extents: np.ndarray, bed: Bed = DEFAULT_BED_MM) -> bool:
    """Whether a box of ``extents`` (x, y, z millimetres, z up) fits the bed, in either xy order."""
    x, y, z = (float(v) for v in extents)
    return z <= bed[2] and max(x, y) <= max(bed[:2]) and min(x, y) <= min(bed[:2])


def bed_contact(mesh: trimesh.Trimesh, tolerance: float = 0.01) -> tuple[float, bool]:
    """Area of faces on the bed (z = 0) and whether the centre of mass stands over their convex hull."""
    normals, triangles = mesh.face_normals, mesh.triangles
    on_bed = (normals[:, 2] < -0.9999) & (np.abs(triangles[:, :, 2]).max(axis=1) < tolerance)
    area = float(mesh.area_faces[on_bed].sum())
    if area <= 0.0:
        return 0.0, False
    hull = _convex_hull_2d(triangles[on_bed][:, :, :2].reshape(-1, 2))
    return area, _inside_convex(hull, np.asarray(mesh.center_mass)[:2])


def _convex_hull_2d(points: np.ndarray) -> np.ndarray:
    """Counter-clockwise convex hull (Andrew's monotone chain)."""
    pts = sorted({(round(float(x), 6), round(float(y), 6)) for x, y in points})
    if len(pts) < 3:
        return np.array(pts)

    def half(seq):
        out: list[tuple[float, float]] = []
        for p in seq:
            while len(out) >= 2:
                (ax, ay), (bx, by) = out[-2], out[-1]
                if (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax) > 0:
                    break
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(reversed(pts))
    return np.array(lower[:-1] + upper[:-1])


def _inside_convex(hull: np.ndarray, point: np.ndarray) -> bool:
    if len(hull) < 3:
        return False
    edges = np.roll(hull, -1, axis=0) - hull
    rel = point - hull
    return bool(np.all(edges[:, 0] * rel[:, 1] - edges[:, 1] * rel[:, 0] >= -1e-9))


def overhang_area(mesh: trimesh.Trimesh, tolerance: float = 0.01) -> float:
    """Area (mm^2) of faces above the bed facing down more steeply than :data:`OVERHANG_DEG` from vertical."""
    limit = -math.cos(math.radians(90.0 - OVERHANG_DEG)) if OVERHANG_DEG < 90 else -1.0
    down = mesh.face_normals[:, 2] < limit - 1e-9
    above = mesh.triangles[:, :, 2].min(axis=1) > tolerance
    return float(mesh.area_faces[down & above].sum())


def placed(mesh: trimesh.Trimesh, up: str) -> Placement:
    """``mesh`` (object frame) turned so that object axis ``up`` points up, centred on the bed at z = 0."""
    rotation = _UP_ROTATIONS[up]
    turned = mesh.vertices @ rotation.T
    lo, hi = turned.min(axis=0), turned.max(axis=0)
    offset = -np.array([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2]])
    vertices = turned + offset
    vertices[:, 2] = np.maximum(vertices[:, 2], 0.0)  # no -0.0 or rounding below the bed
    on_bed = trimesh.Trimesh(vertices=vertices, faces=mesh.faces, process=False)
    to_bed = affine(rotation, offset)
    contact, stable = bed_contact(on_bed)
    return Placement(up, np.linalg.inv(to_bed), on_bed, overhang_area(on_bed), contact, stable)


def best_placement(mesh: trimesh.Trimesh, bed: Bed = DEFAULT_BED_MM) -> Placement:
    """The orientation that fits the bed, stands stably on a flat face and needs the least support.

    Cost: overhang area plus :data:`HEIGHT_WEIGHT_MM2_PER_MM` times the height. Ties keep the first in the
    order upright, upside down, front up, back up, +y up, -y up. When no orientation is good, the upright one is
    returned and the printability checks report why.
    """
    candidates = [placed(mesh, up) for up in _UP_ROTATIONS]
    good = [c for c in candidates if _usable(c, bed)]
    if not good:
        return candidates[0]
    return min(good, key=lambda c: round(placement_cost(c), 3))


def placement_cost(placement: Placement) -> float:
    """What :func:`best_placement` minimises: overhang area plus weighted height."""
    return placement.overhang_mm2 + HEIGHT_WEIGHT_MM2_PER_MM * float(placement.mesh.extents[2])


def _usable(placement: Placement, bed: Bed) -> bool:
    return (
        fits_bed(placement.mesh.extents, bed)
        and placement.contact_mm2 >= MIN_CONTACT_MM2
        and placement.stable
        and placement.mesh.extents.min() > 0
    )


def _cross_section(solid: Solid, axis: int, position: float) -> float:
    """Area (mm^2) of the section of ``solid`` by the plane ``coordinate[axis] = position``."""
    if axis == 2:
        return float(solid.slice(position).area())
    to_z = np.eye(3)[[(axis + 1) % 3, (axis + 2) % 3, axis]]  # the cut axis becomes z
    return float(transformed(solid, affine(to_z, (0.0, 0.0, 0.0))).slice(position).area())


def _cuts(solid: Solid, axis: int, count: int, limit: float) -> list[float]:
    """Positions of ``count - 1`` cuts across ``axis`` leaving pieces no longer than ``limit``."""
    lo, hi = bounds(solid)[:, axis]
    length = hi - lo
    slack = max(0.0, (limit - length / count) / 2)  # each cut may move this far from the even split
    faces = np.unique(np.round(to_trimesh(solid).vertices[:, axis], 3))  # planes of faces across the axis
    cuts = []
    for k in range(1, count):
        nominal = lo + k * length / count
        candidates = np.arange(nominal - slack, nominal + slack + 1e-9, 0.5) if slack > 0 else np.array([nominal])
        clear = [c for c in candidates if faces.size == 0 or np.abs(faces - c).min() >= SLIVER_MARGIN_MM]
        if not clear:
            clear = [float(nominal)]
        cuts.append(min(clear, key=lambda c: (round(_cross_section(solid, axis, c), 1), abs(c - nominal))))
    return [float(c) for c in cuts]


def _split(solid: Solid, counts: np.ndarray, limits: np.ndarray) -> list[Solid]:
    pieces = [solid]
    for axis in range(3):
        if counts[axis] == 1:
            continue
        normal = tuple(float(v) for v in np.eye(3)[axis])
        cuts = _cuts(solid, axis, int(counts[axis]), float(limits[axis]))
        next_pieces = []
        for piece in pieces:
            rest = piece
            for cut in cuts:
                above, below = rest.split_by_plane(normal, cut)
                next_pieces.append(below)
                rest = above
            next_pieces.append(rest)
        pieces = [p for p in next_pieces if not p.is_empty()]
    return [component for piece in pieces for component in _components(piece)]


def _plans(extents: np.ndarray, bed: Bed) -> list[tuple[np.ndarray, np.ndarray]]:
    """Candidate (pieces per axis, longest piece per axis): whole, then one axis kept under the bed's height."""
    flat = min(bed[:2]) - BED_MARGIN_MM
    plans = []
    if any(fits_bed(extents[order], bed) for order in ([0, 1, 2], [1, 2, 0], [2, 0, 1])):
        plans.append((np.ones(3, dtype=int), extents.copy()))
    for vertical in (2, 0, 1, None):  # None: every piece short enough to lie any way round
        limits = np.full(3, flat)
        if vertical is not None:
            limits[vertical] = bed[2] - BED_MARGIN_MM
        counts = np.maximum(1, np.ceil(extents / limits - 1e-9)).astype(int)
        if all(not np.array_equal(counts, c) for c, _ in plans):
            plans.append((counts, limits))
    return plans


def pieces_needed(solid: Solid, bed: Bed = DEFAULT_BED_MM) -> int:
    """The fewest pieces :func:`layout` would cut ``solid`` into to fit ``bed`` (1: it fits whole)."""
    extents = bounds(solid)[1] - bounds(solid)[0]
    return min(int(np.prod(counts)) for counts, _ in _plans(extents, bed))


def layout(solid: Solid, bed: Bed = DEFAULT_BED_MM, max_pieces: int = MAX_PIECES) -> list[Placement]:
    """``solid`` on the bed: whole when it fits, else cut into at most ``max_pieces`` pieces, each lying its best way.

    Every candidate plan (whole; cut to stand under the bed's height along z, x or y; cut to lie any way round)
    that needs no more than ``max_pieces`` pieces is laid out and the cheapest kept: the pieces' placement costs
    plus :data:`CUT_COST_MM2` per extra piece. Pieces are ordered by position (z, then y, then x of their lower
    corner), so names stay stable.
    """
    extents = bounds(solid)[1] - bounds(solid)[0]
    best: tuple[float, list[Placement]] | None = None
    for counts, limits in _plans(extents, bed):
        if int(np.prod(counts)) > max_pieces:
            continue
        pieces = _split(solid, counts, limits)
        placements = [best_placement(to_trimesh(piece), bed) for piece in pieces]
        if not all(_usable(p, bed) for p in placements):
            continue
        cost = CUT_COST_MM2 * (len(placements) - 1) + sum(placement_cost(p) for p in placements)
        if best is None or cost < best[0] - 1e-6:
            best = (cost, placements)
    if best is None:  # nothing prints: hand back the whole part upright, for the checks to explain why
        return [best_placement(to_trimesh(piece), bed) for piece in _components(solid)]
    return best[1]


def _components(solid: Solid) -> list[Solid]:
    parts = [p for p in solid.decompose() if not p.is_empty()]
    return sorted(parts, key=lambda p: tuple(np.round(bounds(p)[0][[2, 1, 0]], 3)))
