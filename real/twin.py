"""``arena real twin``: a MuJoCo Panda on a real robot's topics.

It subscribes to the command topics of ``robot.yaml`` (end-effector ``PoseStamped`` targets or ``JointTrajectory``
joint targets, the gripper command and the e-stop), steps Arena's simulation of the announced ``EpisodeConfig`` in
real time at the control rate, and publishes joint states and rendered camera images like the robot's driver would,
plus its success judgement (the simulator's success predicate, latched for the episode). A whole session then runs
on one machine in two processes, which is how the bridge is tested.

Pose targets are tracked the way Arena's ``ee_delta`` controller tracks its own: each control period moves the
controller's Cartesian target toward the commanded pose by at most one action's bound (5 cm, 0.25 rad).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from dataclasses import dataclass

import numpy as np

from arena.env import ArenaEnv
from arena.eval.protocol import episode_seed
from arena.geometry import quat_error
from arena.real.robot_config import RobotConfig
from arena.robot.controller import MAX_DELTA_POS, MAX_DELTA_ROT
from arena.spec.episode import EpisodeConfig
from arena.spec.sampling import sample_episode


def _bounded(vector: np.ndarray, bound: float) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector * min(1.0, bound / norm) if norm > 1e-12 else vector * 0.0


@dataclass
class TwinState:
    """What the twin publishes after a control period."""

    joints: np.ndarray
    velocities: np.ndarray
    gripper_gap: float
    success: bool


class TwinRobot:
    """The simulated arm and scene, one control period at a time (no ROS: :func:`run_twin` connects it)."""

    def __init__(self, robot: RobotConfig, cameras: tuple[str, ...]) -> None:
        self.robot = robot
        self.cameras = cameras
        self.joint_mode = robot.command_type.endswith("JointTrajectory")
        first = robot.camera(cameras[0]).intrinsics if cameras else None
        self.image_size = (first.height, first.width) if first else (64, 64)
        self._envs: dict[str, ArenaEnv] = {}
        self.env: ArenaEnv | None = None
        self.config: EpisodeConfig | None = None
        self.success = False
        self._pose_target: tuple[np.ndarray, np.ndarray] | None = None
        self._joint_target: np.ndarray | None = None
        self._gripper = -1.0

    def set_up(self, config: EpisodeConfig) -> None:
        """Build the scene of ``config`` with the arm at home, holding still."""
        if config.task not in self._envs:
            self._envs[config.task] = ArenaEnv(
                config.task,
                obs_mode="state",
                control_mode="joint_pos" if self.joint_mode else "ee_delta",
                image_size=self.image_size,
                max_episode_steps=10**9,
            )
        self.env = self._envs[config.task]
        self.env.reset(options={"episode_config": config})
        self.config = config
        self.success = False
        self._pose_target, self._joint_target, self._gripper = None, None, -1.0

    def command(self, pose: tuple[np.ndarray, np.ndarray] | None, joints: np.ndarray | None, gripper: float | None):
        """Take the newest targets (None keeps the previous one)."""
        if pose is not None:
            self._pose_target = pose
        if joints is not None:
            self._joint_target = np.asarray(joints, float)
        if gripper is not None and math.isfinite(gripper):
            self._gripper = float(np.clip(gripper, -1.0, 1.0))

    def step(self, frozen: bool = False) -> TwinState:
        """Simulate one control period toward the targets (``frozen``: e-stop, the arm holds where it is)."""
        env = self.env
        controller = env.controller
        if self.joint_mode:
            target = controller.arm_qpos() if frozen or self._joint_target is None else self._joint_target
            action = np.append(target, self._gripper)
        else:
            action = np.zeros(7)
            action[6] = self._gripper
            if self._pose_target is not None and not frozen:
                position, quaternion = self._pose_target
                current_pos, current_quat = controller.target_pose
                action[:3] = _bounded(position - current_pos, MAX_DELTA_POS)
                action[3:6] = _bounded(quat_error(quaternion / np.linalg.norm(quaternion), current_quat), MAX_DELTA_ROT)
        _, _, _, _, info = env.step(action)
        self.success = self.success or bool(info["success"])
        joints, gap = env.sim.arm_state()
        velocities = env.data.qvel[controller._dof_adr].copy()
        return TwinState(joints, velocities, float(gap), self.success)

    def render(self, camera: str) -> np.ndarray:
        """The simulated camera's RGB image at its robot.yaml size."""
        image = self.env.render_camera(camera)
        intr = self.robot.camera(camera).intrinsics
        if image.shape[:2] != (intr.height, intr.width):
            import cv2

            image = cv2.resize(image, (intr.width, intr.height), interpolation=cv2.INTER_AREA)
        return image

    def close(self) -> None:
        for env in self._envs.values():
            env.close()


def run_twin(
    robot: RobotConfig,
    cameras: tuple[str, ...] | None = None,
    first_episode: EpisodeConfig | None = None,
    stop: threading.Event | None = None,
    duration_s: float | None = None,
    log=print,
) -> int:
    """Serve the twin until ``stop`` is set, ``duration_s`` passes or a signal ends the process; return periods run."""
    from arena.real.ros import TwinLink

    cameras = tuple(robot.cameras) if cameras is None else cameras
    twin = TwinRobot(robot, cameras)
    twin.set_up(first_episode or sample_episode("StackBlocks", "None", episode_seed("StackBlocks", "None", 0)))
    link = TwinLink(robot, cameras)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():  # SIGINT/SIGTERM: leave the loop and close cleanly
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
    period = 1.0 / robot.control_hz
    image_every = {c: max(1, round(robot.control_hz / robot.camera(c).rate_hz)) for c in cameras}
    seen_episode = 0
    start = next_tick = time.monotonic()
    periods = 0
    log(f"twin: {robot.name} on {robot.joint_states_topic}, commands on {robot.command_topic}, cameras {cameras}")
    try:
        while not stop.is_set() and (duration_s is None or time.monotonic() - start < duration_s):
            announced = link.episode()
            if announced is not None and announced[0] != seen_episode:
                seen_episode = announced[0]
                twin.set_up(EpisodeConfig.from_json(announced[1]))
                log(f"twin: set up {twin.config.task} {twin.config.axis} seed {twin.config.seed}")
            twin.command(*link.take_commands())
            state = twin.step(frozen=link.estop())
            link.publish_joints(state.joints, state.velocities, state.gripper_gap)
            link.publish_success(twin.config.config_hash, state.success)
            for camera, every in image_every.items():
                if periods % every == 0:
                    link.publish_image(camera, twin.render(camera))
            periods += 1
            next_tick += period
            delay = next_tick - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.5:  # fell far behind (a slow render): start the clock again rather than racing
                next_tick = time.monotonic()
    finally:
        link.close()
        twin.close()
    return periods
