"""Binary STL, written byte-for-byte reproducibly and replaced atomically.

The writer is Arena's own (a few lines of numpy) so that the bytes of a release depend on the geometry alone,
not on a mesh library's version: a fixed 80-byte header, float32 little-endian normals and vertices, zero
attribute words. Files are written to a temporary name beside the target, flushed to disk, then renamed over
it, so an interrupted export never leaves a half-written file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import trimesh

#: The 80-byte header of every file (must not start with "solid", which marks ASCII STL).
HEADER = b"Arena printable part: binary STL in millimetres, from `arena print-models`".ljust(80, b" ")
assert len(HEADER) == 80
_RECORD = np.dtype([("normal", "<f4", (3,)), ("vertices", "<f4", (3, 3)), ("attribute", "<u2")])


def stl_bytes(mesh: trimesh.Trimesh) -> bytes:
    """Binary STL of ``mesh`` (coordinates taken as millimetres)."""
    triangles = np.asarray(mesh.triangles, dtype=float)
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = np.divide(normals, lengths, out=np.zeros_like(normals), where=lengths > 0)
    records = np.zeros(len(triangles), dtype=_RECORD)
    records["normal"] = normals + 0.0  # + 0.0 turns -0.0 into 0.0
    records["vertices"] = triangles + 0.0
    return HEADER + np.uint32(len(triangles)).astype("<u4").tobytes() + records.tobytes()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
