"""The Panda's kinematics on the bridge side: the tool-centre point from measured joint angles, and joint targets
for end-effector targets (the same MJCF and damped-least-squares IK the simulator's controller uses)."""

from __future__ import annotations

import mujoco
import numpy as np

from arena.robot import load_panda_spec, panda
from arena.robot.controller import Controller


class PandaKinematics:
    """Forward and inverse kinematics of the Panda alone (base at the origin, as in Arena's scenes)."""

    def __init__(self) -> None:
        self.model = load_panda_spec().compile()
        self.data = mujoco.MjData(self.model)
        self._qpos = np.array([self.model.joint(name).qposadr[0] for name in panda.ARM_JOINTS])
        self._controller = Controller(self.model, self.data, mode="joint_pos")
        self._tcp = self.model.site(panda.TCP_SITE).id

    def set_joints(self, joints: np.ndarray) -> None:
        """Put the model's arm at ``joints`` (radians)."""
        self.data.qpos[self._qpos] = joints
        mujoco.mj_kinematics(self.model, self.data)

    def tcp_pose(self, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tool-centre-point position (metres) and quaternion (w, x, y, z) for arm ``joints``."""
        self.set_joints(joints)
        return self._controller.tcp_pose()

    def joints_for(
        self, position: np.ndarray, quaternion: np.ndarray, start: np.ndarray, iterations: int = 20
    ) -> np.ndarray:
        """Joint angles that put the tool-centre point at the pose, searched from ``start`` (the measured joints)."""
        self.set_joints(start)
        return self._controller.solve_ik(np.asarray(position, float), np.asarray(quaternion, float), iterations)
