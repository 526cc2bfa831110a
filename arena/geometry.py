"""Small rotation helpers on MuJoCo's math (quaternions are ``w, x, y, z``); the spec layer's yaw helper is
re-exported so simulation code has one place to import rotations from."""

from __future__ import annotations

import mujoco
import numpy as np

from arena.spec.layout import quat_from_yaw

__all__ = [
    "axis_angle_to_quat",
    "look_at_quat",
    "mat_to_quat",
    "quat_error",
    "quat_from_yaw",
    "quat_mul",
    "quat_to_mat",
]


def quat_to_mat(quat: np.ndarray) -> np.ndarray:
    """3x3 rotation matrix of a unit quaternion."""
    mat = np.empty(9)
    mujoco.mju_quat2Mat(mat, np.asarray(quat, dtype=float))
    return mat.reshape(3, 3)


def mat_to_quat(mat: np.ndarray) -> np.ndarray:
    """Unit quaternion (w >= 0) of a 3x3 rotation matrix."""
    quat = np.empty(4)
    mujoco.mju_mat2Quat(quat, np.asarray(mat, dtype=float).reshape(9))
    return quat if quat[0] >= 0 else -quat


def quat_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product ``a * b``."""
    out = np.empty(4)
    mujoco.mju_mulQuat(out, np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    return out


def axis_angle_to_quat(rotvec: np.ndarray) -> np.ndarray:
    """Quaternion of a rotation vector (axis times angle in radians)."""
    rotvec = np.asarray(rotvec, dtype=float)
    angle = float(np.linalg.norm(rotvec))
    if angle < 1e-12:
        return np.array([1.0, 0.0, 0.0, 0.0])
    quat = np.empty(4)
    mujoco.mju_axisAngle2Quat(quat, rotvec / angle, angle)
    return quat


def quat_error(target: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Rotation vector (world frame) that turns ``current`` into ``target``."""
    diff = quat_mul(np.asarray(target, float), np.array([current[0], -current[1], -current[2], -current[3]]))
    if diff[0] < 0:
        diff = -diff
    out = np.empty(3)
    mujoco.mju_quat2Vel(out, diff, 1.0)
    return out


def look_at_quat(position: np.ndarray, target: np.ndarray, up: np.ndarray = (0.0, 0.0, 1.0)) -> np.ndarray:
    """Quaternion of a MuJoCo camera at ``position`` looking at ``target`` (cameras look along -z)."""
    forward = np.asarray(target, float) - np.asarray(position, float)
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, np.asarray(up, float))
    right /= np.linalg.norm(right)
    cam_up = np.cross(right, forward)
    return mat_to_quat(np.column_stack([right, cam_up, -forward]))
