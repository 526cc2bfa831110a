"""Initial object layouts: collision-free poses drawn from a seed, identical under every perturbation axis.

Objects with a ``home`` (``arena.spec.task``) that the episode does not displace take no part in the draw: they
start on their home site, placed by :func:`home_poses` from the host's pose and size factor.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from arena.errors import ArenaError
from arena.spec.episode import child_rng
from arena.spec.task import TaskSpec, displaced_count

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


def displaced_objects(task: TaskSpec, seed: int, variant: Mapping[str, str]) -> tuple[str, ...]:
    """Names of the objects with a home that start off it: as many as the ``displaced`` variant says, drawn from
    the seed's ``displaced`` stream (none when the task has no ``displaced`` field)."""
    if task.displaced is None:
        return ()
    homed = [obj.name for obj in task.homed_objects() if obj.shape.free]  # mounted fixed objects never move
    count = displaced_count(variant[task.displaced.variant])
    chosen = child_rng(seed, "displaced").choice(len(homed), size=count, replace=False)
    return tuple(homed[i] for i in sorted(int(i) for i in chosen))


def sample_variant(task: TaskSpec, seed: int) -> dict[str, str]:
    """The episode's variant values, each uniform among its values, drawn from the seed's ``variant`` stream."""
    rng = child_rng(seed, "variant")
    return {name: str(values[rng.integers(len(values))]) for name, values in sorted(task.variants.items())}


def sample_layout(
    task: TaskSpec,
    seed: int,
    displaced: tuple[str, ...] | None = None,
    scales: Mapping[str, float] | None = None,
) -> dict[str, tuple[float, ...]]:
    """Initial poses ``[x, y, z, qw, qx, qy, qz]`` of every object: collision-free draws from the seed's ``layout``
    stream (:func:`draw_layout`), then the objects at home placed by :func:`home_poses` (host size factors
    ``scales``, default 1).

    ``displaced`` names the objects with a home that start off it (default: those of the seed's own variant,
    :func:`displaced_objects`); objects with a home that are not displaced take no part in the draw.
    """
    if displaced is None:
        displaced = displaced_objects(task, seed, sample_variant(task, seed))
    poses = draw_layout(task, seed, displaced)
    return home_poses(task, poses, scales or {}) if task.homed_objects() else poses


def draw_layout(task: TaskSpec, seed: int, displaced: tuple[str, ...]) -> dict[str, tuple[float, ...]]:
    """Poses of the objects placed by the draw (all but those left at home), from the seed's ``layout`` stream."""
    rng = child_rng(seed, "layout")
    radii = layout_radii(task)
    placed: list[tuple[np.ndarray, float]] = []
    poses: dict[str, tuple[float, ...]] = {}
    for obj in task.objects:
        if obj.home is not None and obj.name not in displaced:
            continue
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


def home_poses(
    task: TaskSpec, poses: Mapping[str, tuple[float, ...]], scales: Mapping[str, float]
) -> dict[str, tuple[float, ...]]:
    """``poses`` completed with the pose of every object that has a home and no pose yet: its frame origin on the
    home site of the host (at the host's pose and size factor ``scales[host]``, default 1), heading the host's plus
    the home's ``yaw``."""
    out = dict(poses)
    for obj in task.homed_objects():
        if obj.name in out:
            continue
        home = obj.home
        host = task.object(home.object)
        scale = float(scales.get(home.object, 1.0))
        site = np.asarray(host.shape.scaled(scale).parts()[0].sites[home.site], float)
        x, y, z, *quat = poses[home.object]
        yaw = yaw_of_quat(quat)
        cos, sin = np.cos(yaw), np.sin(yaw)
        position = (x + cos * site[0] - sin * site[1], y + sin * site[0] + cos * site[1], z + site[2])
        out[obj.name] = (*(float(v) for v in position), *(float(v) for v in quat_from_yaw(yaw + home.yaw)))
    return {obj.name: out[obj.name] for obj in task.objects}
