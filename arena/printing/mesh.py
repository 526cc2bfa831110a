"""Solids of parametric parts: the manifold3d union of a part's primitives, in millimetres.

The primitives are the ones the scene builder turns into MuJoCo geoms (``arena/objects/shapes.py``), so a
printed part is the simulated part. Curved primitives are tessellated with a fixed resolution, which keeps
the export byte-for-byte reproducible: cylinders are 64-sided prisms (volume 0.16% below the true cylinder)
and spheres are manifold3d's geodesic spheres with 64 segments around a great circle (volume 0.6% below).

Shapes build parts from primitives that touch face to face (a drawer divider between two side walls); after
floating-point rounding such faces may be a hair apart, which would print as separate bodies. Every primitive's
vertices are therefore snapped to a :data:`SNAP_MM` grid once placed in the object frame, so faces that touch
in the shape definition coincide exactly and the union welds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import manifold3d
import numpy as np
import trimesh

from arena.errors import ShapeError
from arena.geometry import quat_to_mat
from arena.objects import Part, Primitive
from arena.objects.primitives import wedge_vertices
from arena.printing.errors import PrintabilityError

#: Metres to millimetres: STL files are in millimetres, shapes in metres.
MM_PER_M = 1000.0
#: Segments around every cylinder and sphere (fixed: the same input always gives the same bytes).
CIRCULAR_SEGMENTS = 64
#: Grid (millimetres) that primitive vertices snap to, so that faces touching up to rounding coincide.
SNAP_MM = 1e-4

Solid = manifold3d.Manifold


def affine(rotation: np.ndarray, translation: Sequence[float]) -> np.ndarray:
    """A 4x4 homogeneous transform from a 3x3 rotation and a translation."""
    matrix = np.eye(4)
    matrix[:3, :3] = rotation
    matrix[:3, 3] = translation
    return matrix


def pose_matrix(pos: Sequence[float], quat: Sequence[float], scale: float = MM_PER_M) -> np.ndarray:
    """4x4 transform of a MuJoCo-style pose (position in metres, quaternion w x y z), translation in mm."""
    return affine(quat_to_mat(np.asarray(quat, dtype=float)), np.asarray(pos, dtype=float) * scale)


def transformed(solid: Solid, matrix: np.ndarray) -> Solid:
    """``solid`` moved by a 4x4 homogeneous transform."""
    return solid.transform(np.asarray(matrix, dtype=float)[:3, :4])


def snapped(solid: Solid) -> Solid:
    """``solid`` with every vertex rounded to the :data:`SNAP_MM` grid."""
    mesh = solid.to_mesh64()
    digits = round(-np.log10(SNAP_MM))
    vertices = np.round(np.asarray(mesh.vert_properties, dtype=float)[:, :3], digits)
    return Solid(manifold3d.Mesh64(vert_properties=vertices, tri_verts=np.array(mesh.tri_verts, dtype=np.uint64)))


def primitive_solid(primitive: Primitive, frame: np.ndarray | None = None) -> Solid:
    """One primitive as a solid (millimetres), in its part's frame or moved by the 4x4 ``frame``, snapped."""
    size = [v * MM_PER_M for v in primitive.size]
    if primitive.kind == "box":
        solid = Solid.cube(tuple(2.0 * v for v in size), center=True)
    elif primitive.kind == "cylinder":
        solid = Solid.cylinder(2.0 * size[1], size[0], -1.0, CIRCULAR_SEGMENTS, center=True)
    elif primitive.kind == "sphere":
        solid = Solid.sphere(size[0], CIRCULAR_SEGMENTS)
    elif primitive.kind == "wedge":
        solid = Solid.hull_points(wedge_vertices(primitive.size) * MM_PER_M)
    else:
        raise ShapeError(f"unknown primitive kind {primitive.kind!r}; expected box, cylinder, sphere or wedge")
    pose = pose_matrix(primitive.pos, primitive.quat)
    return snapped(transformed(solid, pose if frame is None else frame @ pose))


def union(solids: Iterable[Solid]) -> Solid:
    """Boolean union of solids (empty if none)."""
    solids = list(solids)
    if not solids:
        return Solid()
    return Solid.batch_boolean(solids, manifold3d.OpType.Add) if len(solids) > 1 else solids[0]


def primitives_solid(primitives: Iterable[Primitive], frame: np.ndarray | None = None) -> Solid:
    """The union of primitives in their common frame, or moved by the 4x4 ``frame`` (millimetres)."""
    return union(primitive_solid(p, frame) for p in primitives)


def part_frames(parts: Sequence[Part]) -> dict[str, np.ndarray]:
    """Each part's frame in the object frame (4x4, millimetres), with every joint at zero (closed, as built)."""
    frames: dict[str, np.ndarray] = {}
    for part in parts:  # parents come before their children
        local = pose_matrix(part.pos, part.quat)
        frames[part.name] = local if part.parent is None else frames[part.parent] @ local
    return frames


def object_part_solids(parts: Sequence[Part]) -> dict[str, Solid]:
    """Every part's solid placed in the object frame (millimetres), joints at zero."""
    frames = part_frames(parts)
    return {part.name: primitives_solid(part.primitives, frames[part.name]) for part in parts}


def to_trimesh(solid: Solid) -> trimesh.Trimesh:
    """A manifold3d solid as a trimesh mesh (same units), without reprocessing."""
    mesh = solid.to_mesh64()
    vertices = np.asarray(mesh.vert_properties, dtype=float)[:, :3]
    faces = np.asarray(mesh.tri_verts, dtype=np.int64)
    return trimesh.Trimesh(vertices=vertices, faces=faces, process=False)


def from_trimesh(mesh: trimesh.Trimesh) -> Solid:
    """A closed trimesh mesh as a manifold3d solid; raises ``PrintabilityError`` when it is not a closed manifold."""
    data = manifold3d.Mesh64(
        vert_properties=np.array(mesh.vertices, dtype=np.float64),  # writable copies, as manifold3d needs
        tri_verts=np.array(mesh.faces, dtype=np.uint64),
    )
    data.merge()
    solid = Solid(data)
    if solid.status() != manifold3d.Error.NoError:
        raise PrintabilityError(f"not a closed manifold ({solid.status().name})")
    return solid


def bounds(solid: Solid) -> np.ndarray:
    """Axis-aligned bounds ``[[xmin, ymin, zmin], [xmax, ymax, zmax]]``."""
    box = solid.bounding_box()
    return np.array([box[:3], box[3:]], dtype=float)
