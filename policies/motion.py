"""Motion primitives the scripted expert's skills are written in: poses of a downward gripper and bounded moves.

Skills (:mod:`arena.policies.expert` and the task modules in :mod:`arena.policies.skills`) are generators of
``ee_delta`` actions built from a :class:`SkillContext`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from arena.geometry import quat_error, quat_from_yaw, quat_mul, quat_to_mat
from arena.robot import panda

Action = np.ndarray
SkillGen = Generator[Action, None, None]

_DOWN = np.array([0.0, 1.0, 0.0, 0.0])  # TCP z axis pointing down, hand x along world x
OPEN, CLOSE = -1.0, 1.0


def gripper_command(gap: float) -> float:
    """The gripper action (-1 open .. 1 closed) that commands a finger gap of ``gap`` metres."""
    fraction = (gap - panda.CLOSED_GRIPPER_COMMAND) / (panda.MAX_GRIPPER_GAP - panda.CLOSED_GRIPPER_COMMAND)
    return float(np.clip(1.0 - 2.0 * fraction, -1.0, 1.0))


def down_quat(yaw: float) -> np.ndarray:
    """Gripper pointing down, rotated by ``yaw`` radians about the world z axis."""
    return quat_mul(quat_from_yaw(yaw), _DOWN)


def yaw_of(quat: np.ndarray) -> float:
    """Heading (radians) of a frame's x axis projected on the table."""
    x_axis = quat_to_mat(quat)[:, 0]
    return float(np.arctan2(x_axis[1], x_axis[0]))


def wrap_angle(angle: float) -> float:
    """``angle`` (radians) wrapped into [-pi, pi)."""
    return float((angle + np.pi) % (2 * np.pi) - np.pi)


def horizontal_unit(vector: np.ndarray) -> np.ndarray:
    """The unit vector along ``vector``'s projection on the table (z dropped)."""
    flat = np.array([vector[0], vector[1], 0.0])
    return flat / max(float(np.linalg.norm(flat)), 1e-9)


def nearest_symmetric_yaw(yaw: float, reference: float, period: float = np.pi / 2) -> float:
    """The yaw equivalent to ``yaw`` modulo ``period`` that is closest to ``reference``."""
    return reference + (yaw - reference + period / 2) % period - period / 2


class SkillContext:
    """What a skill may read and the motion primitives it composes."""

    def __init__(self, env: Any) -> None:
        self.env = env
        self.state = env.scene_state
        self.gripper = OPEN

    def tcp(self) -> tuple[np.ndarray, np.ndarray]:
        """Measured tool-centre-point pose."""
        return self.env.controller.tcp_pose()

    def delta_toward(self, pos: np.ndarray, quat: np.ndarray, speed: float, gripper: float) -> Action:
        """ee_delta action moving the controller's target toward a pose by at most ``speed`` metres."""
        target, target_quat = self.env.controller.target_pose
        dpos = np.asarray(pos, float) - target
        drot = quat_error(quat, target_quat)
        dpos *= min(1.0, speed / max(np.linalg.norm(dpos), 1e-9))
        drot *= min(1.0, 0.2 / max(np.linalg.norm(drot), 1e-9))
        return np.concatenate([dpos, drot, [gripper]])

    def move(
        self,
        pos: np.ndarray,
        quat: np.ndarray,
        gripper: float | None = None,
        tol: float = 0.006,
        speed: float = 0.04,
        max_steps: int = 60,
    ) -> SkillGen:
        """Move the TCP to a pose in bounded steps; ends when within ``tol`` metres (or after ``max_steps``)."""
        if gripper is not None:
            self.gripper = gripper
        for _ in range(max_steps):
            current, current_quat = self.tcp()
            error = np.linalg.norm(np.asarray(pos, float) - current)
            if error < tol and np.linalg.norm(quat_error(quat, current_quat)) < 0.04:
                return
            yield self.delta_toward(pos, quat, speed, self.gripper)

    def hold(self, gripper: float, steps: int) -> SkillGen:
        """Keep still for ``steps`` control steps with the gripper commanded to ``gripper``."""
        self.gripper = gripper
        for _ in range(steps):
            yield np.concatenate([np.zeros(6), [gripper]])

    def offset_after_turn(self, obj: str, site: str, turn: float) -> np.ndarray:
        """Where the TCP will sit relative to the held object's ``site`` once the hand has turned ``turn`` radians
        about the vertical (the object turning with it)."""
        offset = self.tcp()[0] - self.state.site_pos(obj, site)
        cos, sin = np.cos(turn), np.sin(turn)
        offset[:2] = [cos * offset[0] - sin * offset[1], sin * offset[0] + cos * offset[1]]
        return offset

    def release(self, quat: np.ndarray, steps: int = 8, rise: float = 0.10) -> SkillGen:
        """Open the fingers for ``steps`` control steps, then lift the open hand ``rise`` metres."""
        yield from self.hold(OPEN, steps)
        tcp, _ = self.tcp()
        yield from self.move(tcp + [0, 0, rise], quat, OPEN, speed=0.03)
