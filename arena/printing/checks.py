"""Printability checks, run on every exported part as it lies on the bed (millimetres).

| check | passes when |
| --- | --- |
| ``watertight`` | every edge is shared by exactly two faces |
| ``normals`` | neighbouring faces are wound consistently and the signed volume is positive (normals point out) |
| ``volume`` | the enclosed volume is positive |
| ``one body`` | the faces form a single connected body |
| ``wall thickness`` | no wall is thinner than :data:`MIN_WALL_MM` |
| ``feature size`` | no gap, slot or hole is narrower than :data:`MIN_FEATURE_MM`, and no extent is smaller |
| ``bed`` | the part fits the build volume as it lies (:data:`~arena.printing.bed.DEFAULT_BED_MM` unless given) |
| ``flat face`` | it rests on a flat face of at least ``MIN_CONTACT_MM2`` with its centre of mass over it |

Thickness is measured by casting rays (manifold3d's ray caster) from surface points: at every face centre and
at :data:`SAMPLES_PER_MM2` area-weighted random points (fixed seed). A ray cast inward along the reversed normal
measures the wall where it leaves through a face turned within :data:`FACING_DEG` of the opposite way (two
near-parallel faces make a wall; the blunt corner of a box does not, a wedge sharper than that does). A ray cast
outward measures the gap to a facing surface of the same part. Solid features (pins, ribs) are walls for this
purpose, so the 1.2 mm wall rule covers them; the 0.8 mm rule applies to the empty space in between.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from arena.printing.bed import DEFAULT_BED_MM, MIN_CONTACT_MM2, Bed, bed_contact, bed_text, fits_bed
from arena.printing.errors import CheckFailure, PrintabilityError
from arena.printing.mesh import from_trimesh

#: Thinnest wall a 0.4 mm nozzle prints reliably (three perimeters), millimetres.
MIN_WALL_MM = 1.2
#: Narrowest gap, slot or hole, and smallest feature, millimetres.
MIN_FEATURE_MM = 0.8
#: Two faces within this angle of facing each other bound a wall or a gap (degrees).
FACING_DEG = 30.0
#: Random surface samples per square millimetre (on top of one per face), capped by MAX_SAMPLES.
SAMPLES_PER_MM2 = 0.05
MAX_SAMPLES = 2000
#: Rays start this far inside (or outside) the surface so as not to hit the face they start on (millimetres).
_RAY_START_MM = 1e-4


@dataclass(frozen=True)
class CheckReport:
    """What the checks measured on one part.

    Attributes:
        subject: What was checked (``task/object part, scale``).
        min_wall_mm: Thinnest wall found (inf when no two faces bound a wall).
        min_gap_mm: Narrowest gap found within the part (inf when none).
        extents_mm: Bounding-box size as it lies on the bed.
        volume_mm3: Enclosed volume.
        components: Connected bodies.
        samples: Surface points measured.
    """

    subject: str
    min_wall_mm: float
    min_gap_mm: float
    extents_mm: tuple[float, float, float]
    volume_mm3: float
    components: int
    samples: int


def connected_components(mesh: trimesh.Trimesh) -> int:
    """Number of bodies: groups of faces joined through shared vertices (no scipy or networkx needed)."""
    if not len(mesh.faces):
        return 0
    parent = list(range(len(mesh.vertices)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b, c in mesh.faces.tolist():
        root = find(a)
        parent[find(b)] = root
        parent[find(c)] = root
    return len({find(v) for v in np.unique(mesh.faces).tolist()})


def _samples(mesh: trimesh.Trimesh) -> tuple[np.ndarray, np.ndarray]:
    """Surface points (every face centre plus area-weighted random points) and their outward normals."""
    rng = np.random.default_rng(0)
    areas = mesh.area_faces
    count = int(min(MAX_SAMPLES, math.ceil(SAMPLES_PER_MM2 * float(areas.sum()))))
    faces = rng.choice(len(areas), size=count, p=areas / areas.sum()) if count else np.zeros(0, dtype=int)
    uv = rng.random((count, 2))
    flip = uv.sum(axis=1) > 1
    uv[flip] = 1 - uv[flip]
    a, b, c = (mesh.triangles[faces, k] for k in range(3))
    random_points = a + uv[:, :1] * (b - a) + uv[:, 1:] * (c - a)
    points = np.concatenate([mesh.triangles_center, random_points])
    normals = np.concatenate([mesh.face_normals, mesh.face_normals[faces]])
    return points, normals


def measure_thickness(mesh: trimesh.Trimesh, reach: float | None = None) -> tuple[float, float, int]:
    """Thinnest wall and narrowest gap (millimetres) found by ray casting; see the module docstring.

    Args:
        mesh: A closed mesh.
        reach: Longest inward ray (default: the bounding-box diagonal). Gaps are looked for up to twice
            MIN_FEATURE_MM away.
    """
    solid = from_trimesh(mesh)
    points, normals = _samples(mesh)
    reach = float(np.linalg.norm(mesh.extents)) if reach is None else reach
    facing = -math.cos(math.radians(FACING_DEG))
    wall, gap = math.inf, math.inf
    for point, normal in zip(points.tolist(), normals.tolist(), strict=True):
        p, n = np.array(point), np.array(normal)
        hits = solid.ray_cast(tuple(p - _RAY_START_MM * n), tuple(p - reach * n))  # inward: the wall
        if hits and float(np.dot(n, hits[0].normal)) <= facing:
            wall = min(wall, float(np.linalg.norm(np.asarray(hits[0].position) - p)))
        hits = solid.ray_cast(tuple(p + _RAY_START_MM * n), tuple(p + 2 * MIN_FEATURE_MM * n))  # outward: a gap
        if hits and float(np.dot(n, hits[0].normal)) <= facing:
            gap = min(gap, float(np.linalg.norm(np.asarray(hits[0].position) - p)))
    return wall, gap, len(points)


def check_mesh(mesh: trimesh.Trimesh, subject: str, bed: Bed = DEFAULT_BED_MM) -> CheckReport:
    """Run every check on ``mesh`` as it lies on ``bed``; raise ``PrintabilityError`` listing each failure.

    The error message names the subject (task, object, part and scale), each failed check, the measured
    value and the requirement.
    """
    failures: list[CheckFailure] = []
    mesh = trimesh.Trimesh(vertices=mesh.vertices, faces=mesh.faces, process=True)  # merge duplicate vertices

    def fail(check: str, measured: str, required: str) -> None:
        failures.append(CheckFailure(subject, check, measured, required))

    edges = np.sort(mesh.edges, axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    open_edges = int((counts != 2).sum())
    if open_edges:
        fail("watertight", f"{open_edges} edge(s) not shared by exactly two faces", "0")
    volume = float(mesh.volume) if len(mesh.faces) else 0.0
    consistent = bool(mesh.is_winding_consistent) if len(mesh.faces) else False
    if not consistent or volume < 0:
        measured = "inconsistent winding" if not consistent else f"inward-facing normals (signed volume {volume:.3f})"
        fail("normals", measured, "consistent outward normals")
    if abs(volume) <= 0:
        fail("volume", f"{volume:.3f} mm^3", "> 0")
    components = connected_components(mesh) if len(mesh.faces) else 0
    if components != 1:
        fail("one body", f"{components} bodies", "1")
    extents = tuple(float(v) for v in mesh.extents) if len(mesh.faces) else (0.0, 0.0, 0.0)
    if min(extents) < MIN_FEATURE_MM:
        fail("feature size", f"smallest extent {min(extents):.3f} mm", f">= {MIN_FEATURE_MM} mm")
    wall = gap = math.inf
    samples = 0
    if not failures:
        wall, gap, samples = measure_thickness(mesh)
        if wall < MIN_WALL_MM:
            fail("wall thickness", f"{wall:.3f} mm", f">= {MIN_WALL_MM} mm")
        if gap < MIN_FEATURE_MM:
            fail("feature size", f"gap {gap:.3f} mm", f">= {MIN_FEATURE_MM} mm")
    if not fits_bed(np.array(extents), bed):
        size = " x ".join(f"{v:.1f}" for v in extents)
        fail("bed", f"{size} mm", f"fits the {bed_text(bed)} bed as it lies")
    if len(mesh.faces):
        low = float(mesh.bounds[0][2])
        contact, stable = bed_contact(mesh) if abs(low) < 1e-6 else (0.0, False)
        if contact < MIN_CONTACT_MM2 or not stable:
            what = f"{contact:.1f} mm^2 on the bed" + ("" if stable or contact == 0 else ", centre of mass outside it")
            fail("flat face", what, f">= {MIN_CONTACT_MM2:g} mm^2 flat face under the centre of mass at z = 0")
    if failures:
        raise PrintabilityError("\n".join(str(f) for f in failures), tuple(failures))
    return CheckReport(subject, wall, gap, extents, volume, components, samples)
