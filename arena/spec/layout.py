"""Initial object layouts: collision-free poses drawn from a seed, identical under every perturbation axis."""

from __future__ import annotations

import numpy as np

from arena.errors import ArenaError
from arena.spec.episode import child_rng
from arena.spec.task import TaskSpec

_MAX_PLACEMENT_TRIES = 2000


def quat_from_yaw(yaw: float) -> np.ndarray:
    """Quaternion (w, x, y, z) of a rotation by ``yaw`` radians about the world z axis."""
    return np.array([np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)])


def yaw_of_quat(quat) -> float:
    """Yaw (radians) of a rotation about the world z axis given as a quaternion (w, x, y, z)."""
    return float(2.0 * np.arctan2(quat[3], quat[0]))


def layout_radii(task: TaskSpec) -> dict[str, float]:
    """Footprint radius of each object at the largest scale its size axis may draw.

    Layouts are sampled with these radii, so a seed places objects at the same poses whichever axis is on:
    episodes of different axes stay paired, and no size draw can make objects overlap.
    """
    return {obj.name: obj.shape.scaled(max(1.0, task.size_range(obj)[1])).footprint_radius() for obj in task.objects}


def sample_layout(task: TaskSpec, seed: int) -> dict[str, tuple[float, ...]]:
    """Collision-free initial poses ``[x, y, z, qw, qx, qy, qz]`` drawn from the seed's ``layout`` stream."""
    rng = child_rng(seed, "layout")
    radii = layout_radii(task)
    placed: list[tuple[np.ndarray, float]] = []
    poses: dict[str, tuple[float, ...]] = {}
    for obj in task.objects:
        radius = radii[obj.name]
        for _ in range(_MAX_PLACEMENT_TRIES):
            xy = np.array([rng.uniform(*obj.spawn.x), rng.uniform(*obj.spawn.y)])
            yaw = rng.uniform(*obj.spawn.yaw)
            if all(np.linalg.norm(xy - other) >= radius + r + task.min_separation for other, r in placed):
                break
        else:
            raise ArenaError(
                f"task {task.name}, seed {seed}: no collision-free place for {obj.name!r} after "
                f"{_MAX_PLACEMENT_TRIES} tries; widen its spawn region or lower min_separation"
            )
        placed.append((xy, radius))
        poses[obj.name] = (float(xy[0]), float(xy[1]), 0.0, *(float(v) for v in quat_from_yaw(yaw)))
    return poses
