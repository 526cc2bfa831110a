"""The safety layer between a policy and the arm: clamping to the workspace box and speed limits, and the watchdog's
staleness rules. Plain numpy; the control loop (:mod:`arena.real.bridge`) applies it to every command."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arena.geometry import axis_angle_to_quat, quat_error, quat_mul
from arena.real.robot_config import Limits, Watchdog


@dataclass(frozen=True)
class Clamped:
    """A command after the safety layer, and whether the layer changed it."""

    position: np.ndarray
    quaternion: np.ndarray
    changed: bool


class CommandGuard:
    """Keeps end-effector and joint targets inside the workspace and within the speed limits.

    Each target may move at most ``linear_speed / control_hz`` metres and ``angular_speed / control_hz`` radians
    from the previous target sent (joint targets ``joint_speed / control_hz`` per joint), and the tool-centre point
    stays inside the workspace box. :meth:`start` sets the reference to the measured pose.
    """

    def __init__(self, limits: Limits, control_hz: float) -> None:
        self.limits = limits
        self.low = np.array(limits.workspace_low)
        self.high = np.array(limits.workspace_high)
        self.max_step = limits.linear_speed / control_hz
        self.max_turn = limits.angular_speed / control_hz
        self.max_joint_step = limits.joint_speed / control_hz
        self.position: np.ndarray | None = None
        self.quaternion: np.ndarray | None = None
        self.joints: np.ndarray | None = None

    def start(self, position: np.ndarray, quaternion: np.ndarray, joints: np.ndarray | None = None) -> None:
        """Take the measured pose (and joints) as the previous target."""
        self.position = np.clip(np.asarray(position, float), self.low, self.high)
        self.quaternion = np.asarray(quaternion, float) / np.linalg.norm(quaternion)
        self.joints = None if joints is None else np.asarray(joints, float).copy()

    def inside(self, position: np.ndarray) -> bool:
        """Whether ``position`` lies in the workspace box."""
        return bool(np.all(position >= self.low) and np.all(position <= self.high))

    def pose(self, position: np.ndarray, quaternion: np.ndarray) -> Clamped:
        """The nearest allowed target to the requested pose; it becomes the previous target."""
        if self.position is None:
            raise RuntimeError("CommandGuard.start() must be called with the measured pose first")
        wanted_pos = np.asarray(position, float)
        wanted_quat = np.asarray(quaternion, float) / np.linalg.norm(quaternion)
        target = np.clip(wanted_pos, self.low, self.high)
        step = target - self.position
        distance = float(np.linalg.norm(step))
        if distance > self.max_step:
            target = self.position + step * (self.max_step / distance)
        turn = quat_error(wanted_quat, self.quaternion)
        angle = float(np.linalg.norm(turn))
        quat = wanted_quat
        if angle > self.max_turn:
            quat = quat_mul(axis_angle_to_quat(turn * (self.max_turn / angle)), self.quaternion)
            quat /= np.linalg.norm(quat)
        changed = not np.allclose(target, wanted_pos, atol=1e-9) or angle > self.max_turn
        self.position, self.quaternion = target, quat
        return Clamped(target.copy(), quat.copy(), changed)

    def joint_step(self, joints: np.ndarray) -> tuple[np.ndarray, bool]:
        """``joints`` limited to the joint speed from the previous joint target; it becomes the previous one."""
        wanted = np.asarray(joints, float)
        if self.joints is None:  # never pass an unlimited first target: the measured joints are the reference
            raise RuntimeError("CommandGuard.start() must be given the measured joints before joint targets")
        limited = self.joints + np.clip(wanted - self.joints, -self.max_joint_step, self.max_joint_step)
        self.joints = limited
        return limited.copy(), not np.allclose(limited, wanted, atol=1e-9)


def stale_reason(
    now: float,
    watchdog: Watchdog,
    joints_received: float | None,
    images_received: dict[str, float | None],
    last_action: float | None,
) -> str | None:
    """Why the arm must hold now (stale joint states, images or policy actions), or None when all is fresh."""
    if joints_received is None or now - joints_received > watchdog.observation_timeout_s:
        age = "never received" if joints_received is None else f"{now - joints_received:.2f} s old"
        return f"joint states stale ({age}, limit {watchdog.observation_timeout_s} s)"
    for camera, received in images_received.items():
        if received is None or now - received > watchdog.image_timeout_s:
            age = "never received" if received is None else f"{now - received:.2f} s old"
            return f"{camera} images stale ({age}, limit {watchdog.image_timeout_s} s)"
    if last_action is not None and now - last_action > watchdog.action_timeout_s:
        return f"policy actions stale ({now - last_action:.2f} s since the last, limit {watchdog.action_timeout_s} s)"
    return None
