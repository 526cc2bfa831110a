"""Camera frame conventions: MuJoCo cameras look along -z with y up; optical frames (OpenCV, ROS ``*_optical``)
look along +z with y down. The two differ by half a turn about x."""

from __future__ import annotations

import numpy as np

from arena.geometry import quat_mul, quat_to_mat

_HALF_TURN_X = np.array([0.0, 1.0, 0.0, 0.0])


def optical_from_mujoco(quat: np.ndarray) -> np.ndarray:
    """Optical-frame orientation (w, x, y, z) of a MuJoCo camera with orientation ``quat``."""
    return quat_mul(np.asarray(quat, float), _HALF_TURN_X)


def mujoco_from_optical(quat: np.ndarray) -> np.ndarray:
    """MuJoCo camera orientation of an optical frame with orientation ``quat``."""
    return quat_mul(np.asarray(quat, float), _HALF_TURN_X)


def pose_distance(
    position_a: np.ndarray, quat_a: np.ndarray, position_b: np.ndarray, quat_b: np.ndarray
) -> tuple[float, float]:
    """Distance between two poses: metres between the positions and radians of the rotation between them."""
    rotation = quat_to_mat(quat_a).T @ quat_to_mat(quat_b)
    angle = float(np.arccos(np.clip((np.trace(rotation) - 1.0) / 2.0, -1.0, 1.0)))
    return float(np.linalg.norm(np.asarray(position_a) - np.asarray(position_b))), angle
