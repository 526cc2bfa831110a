"""The control loop of a real episode: observations from the robot's topics, the policy at the control rate,
commands through the safety layer, and a watchdog thread that holds the arm when anything goes stale.

The loop talks to a *link* (:class:`arena.real.ros.BridgeLink`, or a fake in tests) and never imports ROS. Safety,
each enforced here: nothing is sent before :meth:`ControlLoop.arm` (the operator's confirmation); every target is
clamped to the workspace box and speed limits; stale joint states, images or policy actions hold the arm (the
measured pose as target, the gripper as it is) and holding longer than ``abort_after_s`` ends the episode; an e-stop
(topic or the operator's key) holds the arm and ends the episode; :meth:`ControlLoop.stop` holds the arm and is
called on every way out (end, error, signal).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from arena.env import STATE_DIM
from arena.geometry import axis_angle_to_quat, quat_error, quat_mul
from arena.real.errors import SafetyError
from arena.real.kinematics import PandaKinematics
from arena.real.operator import DONE, ESTOP
from arena.real.robot_config import RobotConfig
from arena.real.safety import CommandGuard, stale_reason
from arena.robot.controller import MAX_DELTA_POS, MAX_DELTA_ROT

#: How far an ee_delta target may lead the measured pose (metres, radians), as in Arena's controller.
MAX_TARGET_LAG = (0.02, 0.15)
#: Seconds ``arm`` waits for the first joint state of a freshly opened link (ROS discovery) before refusing.
FIRST_STATE_WAIT_S = 5.0


class Link(Protocol):
    """What the loop needs from the robot's topics (see :class:`arena.real.ros.BridgeLink`)."""

    def joint_state(self) -> Any: ...
    def image(self, camera: str) -> tuple[np.ndarray, float] | None: ...
    def estop(self) -> bool: ...
    def send_pose(self, position: np.ndarray, quaternion: np.ndarray) -> None: ...
    def send_joints(self, joints: np.ndarray, seconds: float) -> None: ...
    def send_gripper(self, command: float) -> None: ...
    def send_estop(self, engaged: bool = True) -> None: ...


@dataclass
class EpisodeOutcome:
    """How a real episode ended."""

    steps: int = 0
    error: str | None = None
    ended_by: str = "max_steps"  # max_steps, done, estop, stale, signal, error
    holds: list[str] = field(default_factory=list)  # why the watchdog held the arm, in order


def fit_image(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` centre-cropped to the aspect ratio of ``size`` (height, width) and resized to it."""
    import cv2

    height, width = image.shape[:2]
    want_h, want_w = size
    if (height, width) == (want_h, want_w):
        return image
    if width * want_h > height * want_w:  # too wide
        keep = round(height * want_w / want_h)
        image = image[:, (width - keep) // 2 : (width - keep) // 2 + keep]
    else:
        keep = round(width * want_h / want_w)
        image = image[(height - keep) // 2 : (height - keep) // 2 + keep]
    return cv2.resize(np.ascontiguousarray(image), (want_w, want_h), interpolation=cv2.INTER_AREA)


class ControlLoop:
    """Runs policies on the robot behind ``link`` at ``robot.control_hz``.

    Args:
        robot: The robot description.
        link: The robot's topics.
        cameras: Cameras the policy looks at (their images are watched for staleness).
        image_size: (height, width) the policy's images are resized to.
        control_mode: The policy's action layout: ``ee_delta``, ``ee_pose`` or ``joint_pos``.
    """

    def __init__(
        self,
        robot: RobotConfig,
        link: Link,
        cameras: tuple[str, ...] = (),
        image_size: tuple[int, int] = (128, 128),
        control_mode: str = "ee_delta",
        kinematics: PandaKinematics | None = None,
    ) -> None:
        self.robot, self.link, self.cameras, self.image_size = robot, link, cameras, image_size
        self.control_mode = control_mode
        self.kinematics = kinematics or PandaKinematics()
        self.period = 1.0 / robot.control_hz
        self.joint_commands = robot.command_type.endswith("JointTrajectory")
        self.guard = CommandGuard(robot.limits, robot.control_hz)
        self._lock = threading.Lock()
        self._armed = False
        self._holding: str | None = None
        self._hold_since = 0.0
        self._last_action: float | None = None
        self._target_pos = np.zeros(3)
        self._target_quat = np.array([1.0, 0.0, 0.0, 0.0])
        self._gripper = -1.0
        self.holds: list[str] = []
        self.sent = 0

    # ------------------------------------------------------------------------------------------- state
    def measured(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float] | None:
        """(TCP position, quaternion, joints, gripper gap, receive time) of the newest joint state, or None."""
        sample = self.link.joint_state()
        if sample is None:
            return None
        position, quaternion = self.kinematics.tcp_pose(sample.joints)
        return position, quaternion, sample.joints, sample.gripper_gap, sample.received

    def observation(self, instruction: str) -> dict[str, Any]:
        """The policy's observation from the newest messages (Arena's layout: ``state``, ``images/<cam>``)."""
        position, quaternion, joints, gap, _ = self.measured()
        state = np.concatenate([position, quaternion, [gap], joints]).astype(np.float32)
        assert state.shape == (STATE_DIM,)
        obs: dict[str, Any] = {"state": state, "instruction": instruction}
        for camera in self.cameras:
            image, _ = self.link.image(camera)
            obs[f"images/{camera}"] = fit_image(image, self.image_size)
        return obs

    def stale(self, now: float | None = None, include_actions: bool = True) -> str | None:
        """Why the arm must hold now, or None."""
        now = time.monotonic() if now is None else now
        sample = self.link.joint_state()
        images = {}
        for camera in self.cameras:
            received = self.link.image(camera)
            images[camera] = None if received is None else received[1]
        last = self._last_action if include_actions else None
        return stale_reason(now, self.robot.watchdog, None if sample is None else sample.received, images, last)

    # ---------------------------------------------------------------------------------------- commands
    def arm(self, wait_s: float = FIRST_STATE_WAIT_S) -> None:
        """Allow commands (the operator confirmed): targets start from the measured pose. A link opened moments ago
        may not have discovered the driver yet: wait up to ``wait_s`` for its first joint state, then refuse."""
        deadline = time.monotonic() + wait_s
        measured = self.measured()
        while measured is None and time.monotonic() < deadline:
            time.sleep(0.01)
            measured = self.measured()
        if measured is None:
            raise SafetyError(
                f"no joint states from the robot within {wait_s:g} s; refusing to start (is the driver running?)"
            )
        with self._lock:
            self._restart_from(measured)
            self._armed, self._holding = True, None
            self._last_action = time.monotonic()
            self.holds = []

    def _restart_from(self, measured) -> None:
        position, quaternion, joints, _, _ = measured
        self.guard.start(position, quaternion, joints)
        self._target_pos, self._target_quat = position.copy(), quaternion.copy()

    def _send(self, position: np.ndarray, quaternion: np.ndarray, joints: np.ndarray | None, gripper: float):
        if self.joint_commands:
            self.link.send_joints(joints, self.period)
        else:
            self.link.send_pose(position, quaternion)
        self.link.send_gripper(gripper)
        self.sent += 1

    def hold(self, reason: str) -> None:
        """Hold the arm where it is measured (gripper unchanged); commands stay refused until fresh data."""
        with self._lock:
            if self._holding is None:
                self._hold_since = time.monotonic()
                self.holds.append(reason)
            self._holding = reason
            measured = self.measured()
            if measured is None or not self._armed:
                return
            position, quaternion, joints, _, _ = measured
            self._send(position, quaternion, joints, self._gripper)

    def stop(self) -> None:
        """Hold the arm and refuse further commands (end of an episode, error, signal)."""
        if self._armed:
            self.hold("stop")
        with self._lock:
            self._armed = False

    def command(self, action: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, bool]:
        """Send one policy action (in :attr:`control_mode`) through the safety layer.

        Returns the target sent (position, quaternion), the gripper command and whether the safety layer changed
        it. Raises :class:`SafetyError` if the loop is not armed.
        """
        action = np.asarray(action, dtype=np.float64).ravel()
        with self._lock:
            if not self._armed:
                raise SafetyError("command refused: the operator has not confirmed the set-up (or the loop stopped)")
            measured = self.measured()
            self._last_action = time.monotonic()
            if self._holding is not None:  # fresh again after a hold: start from where the arm is
                self._restart_from(measured)
                self._holding = None
            gripper = float(np.clip(action[-1], -1.0, 1.0))
            position, quaternion = self._wanted_pose(action, measured)
            clamped = self.guard.pose(position, quaternion)
            joints = None
            changed = clamped.changed
            if self.joint_commands:
                if self.control_mode == "joint_pos" and not changed:
                    wanted = action[:7]
                else:
                    wanted = self.kinematics.joints_for(clamped.position, clamped.quaternion, measured[2])
                joints, joint_changed = self.guard.joint_step(wanted)
                changed = changed or joint_changed
            self._target_pos, self._target_quat, self._gripper = clamped.position, clamped.quaternion, gripper
            self._send(clamped.position, clamped.quaternion, joints, gripper)
            return clamped.position, clamped.quaternion, gripper, changed

    def _wanted_pose(self, action: np.ndarray, measured) -> tuple[np.ndarray, np.ndarray]:
        position, quaternion = measured[0], measured[1]
        if self.control_mode == "ee_pose":
            return action[:3], action[3:7] / np.linalg.norm(action[3:7])
        if self.control_mode == "joint_pos":
            return self.kinematics.tcp_pose(action[:7])
        # ee_delta: move the previous target, kept within a small lag of the measured pose (Arena's controller).
        delta = np.clip(action[:3], -MAX_DELTA_POS, MAX_DELTA_POS)
        rotation = np.clip(action[3:6], -MAX_DELTA_ROT, MAX_DELTA_ROT)
        target = self._target_pos + delta
        offset = target - position
        if np.linalg.norm(offset) > MAX_TARGET_LAG[0]:
            target = position + offset * (MAX_TARGET_LAG[0] / np.linalg.norm(offset))
        quat = quat_mul(axis_angle_to_quat(rotation), self._target_quat)
        lead = quat_error(quat, quaternion)
        if np.linalg.norm(lead) > MAX_TARGET_LAG[1]:
            quat = quat_mul(axis_angle_to_quat(lead * (MAX_TARGET_LAG[1] / np.linalg.norm(lead))), quaternion)
        return target, quat / np.linalg.norm(quat)

    # ------------------------------------------------------------------------------------------- loop
    def run(
        self,
        policy: Any,
        instruction: str,
        seed: int,
        max_steps: int,
        poll: Callable[[], str | None] = lambda: None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> EpisodeOutcome:
        """Play one episode: the policy at the control rate until ``max_steps``, the operator's ``done``, an e-stop,
        a signal (``should_stop``), holding too long or an error. The arm is held at the end, whatever happened."""
        outcome = EpisodeOutcome()
        finished = threading.Event()
        watchdog = threading.Thread(target=self._watch, args=(finished,), daemon=True)
        self.arm()
        watchdog.start()
        try:
            policy.reset(instruction, seed)
            chunk: list[np.ndarray] = []
            next_tick = time.monotonic()
            while outcome.steps < max_steps:
                next_tick += self.period
                time.sleep(max(0.0, next_tick - time.monotonic()))
                event = poll()
                if should_stop():
                    outcome.ended_by, outcome.error = "signal", "stopped by a signal"
                    break
                if self.link.estop() or event == ESTOP:
                    self.link.send_estop(True)
                    self.hold("e-stop")
                    outcome.ended_by, outcome.error = "estop", "e-stop"
                    break
                if event == DONE:
                    outcome.ended_by = "done"
                    break
                reason = self.stale(include_actions=False)
                if reason is not None:
                    self.hold(reason)
                    if time.monotonic() - self._hold_since > self.robot.watchdog.abort_after_s:
                        outcome.ended_by = "stale"
                        outcome.error = f"held the arm for over {self.robot.watchdog.abort_after_s} s: {reason}"
                        break
                    next_tick = time.monotonic()
                    continue
                if not chunk:
                    actions = np.asarray(policy.act(self.observation(instruction)), dtype=np.float64)
                    chunk = list(actions if actions.ndim == 2 else actions[None])
                self.command(chunk.pop(0))
                outcome.steps += 1
        except Exception as error:  # a failing policy or link is a recorded failure; the arm is held below
            outcome.ended_by = "error"
            outcome.error = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"
        finally:
            finished.set()
            self.stop()
            watchdog.join(timeout=1.0)
            outcome.holds = [h for h in self.holds if h != "stop"]
        return outcome

    def _watch(self, finished: threading.Event) -> None:
        """The watchdog thread: holds the arm when data or actions go stale while the loop is busy (a slow policy)."""
        while not finished.wait(min(0.01, self.period / 5)):
            reason = self.stale()
            if reason is not None and self._holding is None and self._armed:
                self.hold(reason)
