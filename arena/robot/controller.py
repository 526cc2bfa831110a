"""Arm and gripper control: end-effector delta, end-effector pose and joint-position modes.

ee_delta moves the controller's Cartesian target by the action; the target stays within a small lag of the
measured tool-centre-point pose, so a zero action holds the arm still and a blocked arm does not wind up.
All modes end in joint-position targets for the Panda's (gravity-compensated) position servos. Cartesian
targets are turned into joint targets by damped-least-squares IK on MuJoCo's site Jacobian, with a
null-space pull toward the home posture so the redundant seventh degree of freedom does not drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import mujoco
import numpy as np

from arena.errors import ActionError, UnknownNameError
from arena.geometry import axis_angle_to_quat, mat_to_quat, quat_error, quat_mul
from arena.robot import panda

CONTROL_MODES: tuple[str, ...] = ("ee_delta", "ee_pose", "joint_pos")

#: ee_delta bounds per control step: translation (metres), rotation (radians, axis-angle), gripper.
MAX_DELTA_POS = 0.05
MAX_DELTA_ROT = 0.25


@dataclass(frozen=True)
class Workspace:
    """Axis-aligned box (metres, robot base frame) the tool centre point is kept inside."""

    low: tuple[float, float, float] = (0.1, -0.55, 0.005)
    high: tuple[float, float, float] = (0.9, 0.55, 0.75)

    def clamp(self, position: np.ndarray) -> np.ndarray:
        """Return ``position`` moved to the nearest point of the box."""
        return np.clip(position, self.low, self.high)


class Controller:
    """Turns policy actions into actuator controls for one ``MjModel``/``MjData`` pair.

    Args:
        model: Compiled scene containing the Panda (names from ``arena.robot.panda``).
        data: The simulation state the controller writes ``ctrl`` into.
        mode: One of :data:`CONTROL_MODES`.
        workspace: Box limits for Cartesian targets.
        max_target_lag: How far (metres, radians) the Cartesian target may lead the measured pose; keeps the
            target from winding up while the arm is blocked by contact.
    """

    def __init__(
        self,
        model: mujoco.MjModel,
        data: mujoco.MjData,
        mode: str = "ee_delta",
        workspace: Workspace | None = None,
        max_target_lag: tuple[float, float] = (0.02, 0.15),
    ) -> None:
        if mode not in CONTROL_MODES:
            raise UnknownNameError(f"unknown control_mode {mode!r}; valid modes: {', '.join(CONTROL_MODES)}")
        self.mode = mode
        self.model = model
        self.data = data
        self.workspace = workspace or Workspace()
        self.max_target_lag = max_target_lag
        self._scratch = mujoco.MjData(model)
        joint_ids = [model.joint(name).id for name in panda.ARM_JOINTS]
        self._qpos_adr = np.array([model.jnt_qposadr[j] for j in joint_ids])
        self._dof_adr = np.array([model.jnt_dofadr[j] for j in joint_ids])
        self._joint_low = model.jnt_range[joint_ids, 0].copy()
        self._joint_high = model.jnt_range[joint_ids, 1].copy()
        self._arm_actuators = np.array([model.actuator(name).id for name in panda.ARM_ACTUATORS])
        self._gripper_actuator = model.actuator(panda.GRIPPER_ACTUATOR).id
        self._tcp = model.site(panda.TCP_SITE).id
        self._jacp = np.zeros((3, model.nv))
        self._jacr = np.zeros((3, model.nv))
        self._target_pos = np.zeros(3)
        self._target_quat = np.array([1.0, 0.0, 0.0, 0.0])
        self.action_space = self._make_action_space()

    # ----------------------------------------------------------------------------------------- spaces
    def _make_action_space(self) -> gym.spaces.Box:
        if self.mode == "ee_delta":
            bound = np.array([MAX_DELTA_POS] * 3 + [MAX_DELTA_ROT] * 3 + [1.0], dtype=np.float32)
            return gym.spaces.Box(-bound, bound, dtype=np.float32)
        if self.mode == "ee_pose":
            low = np.array([*self.workspace.low, -1, -1, -1, -1, -1], dtype=np.float32)
            high = np.array([*self.workspace.high, 1, 1, 1, 1, 1], dtype=np.float32)
            return gym.spaces.Box(low, high, dtype=np.float32)
        low = np.append(self._joint_low, -1.0).astype(np.float32)
        high = np.append(self._joint_high, 1.0).astype(np.float32)
        return gym.spaces.Box(low, high, dtype=np.float32)

    def describe_action(self) -> str:
        """One line naming the action layout of the current mode (used in error messages)."""
        return {
            "ee_delta": "7 values: dx, dy, dz [m] in ±0.05, rotation vector [rad] in ±0.25, "
            "gripper in [-1 open, 1 close]",
            "ee_pose": "8 values: x, y, z [m] inside the workspace box, quaternion w, x, y, z, gripper in [-1, 1]",
            "joint_pos": "8 values: 7 Panda joint angles [rad] within their limits, gripper in [-1, 1]",
        }[self.mode]

    def validate(self, action: np.ndarray) -> np.ndarray:
        """Return ``action`` as a float64 array clipped to the action space, or raise :class:`ActionError`."""
        array = np.asarray(action, dtype=np.float64)
        expected = self.action_space.shape
        if array.shape != expected:
            raise ActionError(
                f"action has shape {array.shape}, expected {expected} for control_mode {self.mode!r} "
                f"({self.describe_action()})"
            )
        if not np.all(np.isfinite(array)):
            raise ActionError(f"action contains non-finite values {array.tolist()}; expected {self.describe_action()}")
        array = np.clip(array, self.action_space.low, self.action_space.high)
        if self.mode == "ee_pose":
            norm = np.linalg.norm(array[3:7])
            if norm < 1e-6:
                raise ActionError("ee_pose quaternion has zero norm; expected a unit quaternion w, x, y, z")
            array[3:7] /= norm
        return array

    # ----------------------------------------------------------------------------------------- state
    def tcp_pose(self, data: mujoco.MjData | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Tool-centre-point position and quaternion, read from ``data`` (default: the live state)."""
        data = self.data if data is None else data
        return data.site_xpos[self._tcp].copy(), mat_to_quat(data.site_xmat[self._tcp])

    def arm_qpos(self) -> np.ndarray:
        """The seven arm joint angles (radians)."""
        return self.data.qpos[self._qpos_adr].copy()

    @property
    def target_pose(self) -> tuple[np.ndarray, np.ndarray]:
        """The last Cartesian target (position, quaternion) sent to IK."""
        return self._target_pos.copy(), self._target_quat.copy()

    def reset(self) -> None:
        """Hold the current pose: call after the simulation state has been reset and forwarded."""
        self._target_pos, self._target_quat = self.tcp_pose()
        self.data.ctrl[self._arm_actuators] = self.arm_qpos()

    # ----------------------------------------------------------------------------------------- commands
    def set_gripper(self, command: float) -> None:
        """Command the gripper: -1 fully open (0.08 m gap) ... +1 closed with full grasp force."""
        fraction = (1.0 - float(command)) / 2.0  # 1 open .. 0 closed
        gap = panda.CLOSED_GRIPPER_COMMAND + fraction * (panda.MAX_GRIPPER_GAP - panda.CLOSED_GRIPPER_COMMAND)
        self.data.ctrl[self._gripper_actuator] = gap

    def command(self, action: np.ndarray) -> None:
        """Write the controls for one control step from a validated ee_delta or joint_pos action."""
        if self.mode == "joint_pos":
            self.data.ctrl[self._arm_actuators] = action[:7]
        elif self.mode == "ee_delta":
            self._advance_target(action[:3], axis_angle_to_quat(action[3:6]))
            self.data.ctrl[self._arm_actuators] = self.solve_ik(self._target_pos, self._target_quat)
        else:
            raise ActionError("ee_pose actions are executed with command_pose_step()")
        self.set_gripper(action[-1])

    def command_pose_step(self, target_pos: np.ndarray, target_quat: np.ndarray, gripper: float) -> bool:
        """Move one bounded control step toward an absolute pose; return True once it is reached."""
        pos, quat = self.tcp_pose()
        goal_pos = self.workspace.clamp(np.asarray(target_pos, float))
        reached = np.linalg.norm(goal_pos - pos) < 0.005 and np.linalg.norm(quat_error(target_quat, quat)) < 0.05
        dpos = goal_pos - self._target_pos
        drot = quat_error(target_quat, self._target_quat)
        dpos *= min(1.0, MAX_DELTA_POS / max(np.linalg.norm(dpos), 1e-12))
        drot *= min(1.0, MAX_DELTA_ROT / max(np.linalg.norm(drot), 1e-12))
        self._advance_target(dpos, axis_angle_to_quat(drot))
        self.data.ctrl[self._arm_actuators] = self.solve_ik(self._target_pos, self._target_quat)
        self.set_gripper(gripper)
        return bool(reached)

    def _advance_target(self, dpos: np.ndarray, dquat: np.ndarray) -> None:
        """Move the Cartesian target by ``dpos``/``dquat``, keeping it within the lag limit of the measured pose."""
        pos, quat = self.tcp_pose()
        target_pos = self.workspace.clamp(self._target_pos + dpos)
        lag_pos, lag_rot = self.max_target_lag
        offset = target_pos - pos
        if np.linalg.norm(offset) > lag_pos:
            target_pos = pos + offset * (lag_pos / np.linalg.norm(offset))
        target_quat = quat_mul(dquat, self._target_quat)
        rot_offset = quat_error(target_quat, quat)
        angle = float(np.linalg.norm(rot_offset))
        if angle > lag_rot:
            target_quat = quat_mul(axis_angle_to_quat(rot_offset * (lag_rot / angle)), quat)
        self._target_pos = target_pos
        self._target_quat = target_quat / np.linalg.norm(target_quat)

    def solve_ik(
        self, target_pos: np.ndarray, target_quat: np.ndarray, iterations: int = 4, damping: float = 0.05
    ) -> np.ndarray:
        """Joint angles that put the TCP at the target pose (damped least squares from the current state)."""
        scratch = self._scratch
        scratch.qpos[:] = self.data.qpos
        q = scratch.qpos[self._qpos_adr].copy()
        for _ in range(iterations):
            mujoco.mj_kinematics(self.model, scratch)
            mujoco.mj_comPos(self.model, scratch)
            pos, quat = self.tcp_pose(scratch)
            error = np.concatenate([target_pos - pos, quat_error(target_quat, quat)])
            if np.linalg.norm(error[:3]) < 1e-4 and np.linalg.norm(error[3:]) < 1e-3:
                break
            mujoco.mj_jacSite(self.model, scratch, self._jacp, self._jacr, self._tcp)
            jac = np.vstack([self._jacp[:, self._dof_adr], self._jacr[:, self._dof_adr]])
            jjt = jac @ jac.T + (damping**2) * np.eye(6)
            dq = jac.T @ np.linalg.solve(jjt, error)
            nullspace = np.eye(7) - np.linalg.pinv(jac) @ jac
            dq += nullspace @ (0.2 * (panda.HOME_QPOS - q))
            q = np.clip(q + dq, self._joint_low, self._joint_high)
            scratch.qpos[self._qpos_adr] = q
        return q
