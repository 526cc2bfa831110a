"""``ArenaEnv``: one Arena task as a gymnasium environment (the gymnasium contract; episode set-up lives in
:class:`arena.sim.simulation.TaskSimulation`, episode sampling in :func:`arena.spec.sample_episode`)."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from arena.errors import ArenaError, UnknownNameError
from arena.robot import CONTROL_MODES
from arena.sim.simulation import CONTROL_FREQUENCY, TaskSimulation
from arena.spec import predicates
from arena.spec.axes import resolve_axes
from arena.spec.axis_names import AXIS_NAMES
from arena.spec.cameras import CAMERAS
from arena.spec.episode import EpisodeConfig
from arena.spec.sampling import coerce_config, sample_episode
from arena.spec.task import TaskSpec, load_task
from arena.spec.textures import SPLITS

OBS_MODES: tuple[str, ...] = ("rgb", "rgbd", "state")
REWARD_MODES: tuple[str, ...] = ("sparse", "dense")
STATE_LAYOUT: tuple[tuple[str, int], ...] = (
    ("tcp_pos", 3),  # metres, world frame
    ("tcp_quat", 4),  # w, x, y, z
    ("gripper_gap", 1),  # metres between the finger pads' joints (0 closed .. 0.08 open)
    ("joint_pos", 7),  # radians, Panda joints 1..7
)
STATE_DIM = sum(size for _, size in STATE_LAYOUT)
INSTRUCTION_CHARSET = string.ascii_letters + string.digits + " .,;:'!?()-_/"
#: Upper bound of segmentation ids (geom ids; distractors add geoms, so the bound is fixed, not ngeom - 1).
MAX_GEOM_ID = 4095
MAX_IMAGE_SIDE = 1024


class ImageSizeError(ArenaError, ValueError):
    """An image size outside 1..1024 pixels."""


class ArenaEnv(gym.Env):
    """A Franka Panda tabletop manipulation task.

    ## Description
    The robot must complete the task given by a language instruction (``tasks/<Task>.yaml`` documents each
    task's objects, randomisations and success conditions). Episodes are fully described by an
    :class:`~arena.spec.EpisodeConfig`, sampled from the reset seed or replayed exactly.

    ## Action Space
    ``control_mode="ee_delta"`` (default): 7 values, Δx, Δy, Δz in metres (±0.05), a rotation vector in
    radians (±0.25, world frame) and the gripper in [-1 open, +1 close]; out-of-bound values are clipped.
    ``"ee_pose"``: 8 values, absolute TCP position (metres), quaternion (w, x, y, z) and gripper; one step
    tracks the pose until reached or ``pose_step_budget`` control steps pass. ``"joint_pos"``: 8 values, the
    seven joint targets (radians) and the gripper. Wrong shapes and non-finite values raise ``ValueError``.

    ## Observation Space
    A dict: ``state`` (float32, layout :data:`STATE_LAYOUT`: TCP position 3, TCP quaternion 4, gripper gap 1,
    joint angles 7), ``instruction`` (text), and per camera ``images/<cam>`` (uint8 H×W×3) unless
    ``obs_mode="state"``, ``depth/<cam>`` (float32 metres, H×W) with ``obs_mode="rgbd"`` and
    ``segmentation/<cam>`` (int32 geom ids, -1 for background) with ``segmentation=True``.

    ## Rewards
    Sparse (default): 1 on the step the task succeeds, else 0. Dense: success plus ``0.5 * (1 - tanh(5 d))``
    where ``d`` is the TCP's distance (metres) to the first manipulated object.

    ## Starting State
    The arm at its home pose with the gripper open; objects placed collision-free in their spawn regions
    (see the task YAML), articulated parts at their sampled initial positions, then 0.1 s of settling.

    ## Episode End
    ``terminated`` when the task's success predicate holds; ``truncated`` after ``max_episode_steps`` steps
    or when the simulation goes unstable (``info["sim_unstable"] = True``).

    ## Arguments
    ``task``, ``axis`` (perturbation axis, ``"None"``), ``obs_mode`` (rgb, rgbd, state), ``control_mode``,
    ``cameras`` (subset of front, left_shoulder, right_shoulder, wrist), ``image_size`` (int or (height,
    width), default 128), ``render_mode`` (``"rgb_array"`` or None), ``max_episode_steps``,
    ``episode_config`` (replay this episode on every reset), ``segmentation``, ``shadows`` (default off: they
    cost about 100 ms per frame on a CPU renderer), ``reward_mode``, ``pose_step_budget``, ``texture_split``
    (``test`` — held-out textures, the evaluation default — ``train`` or ``all``).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": CONTROL_FREQUENCY}

    def __init__(
        self,
        task: str = "StackBlocks",
        axis: str = "None",
        obs_mode: str = "rgb",
        control_mode: str = "ee_delta",
        cameras: Sequence[str] = ("front", "wrist"),
        image_size: int | tuple[int, int] = 128,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        episode_config: EpisodeConfig | Mapping[str, Any] | str | None = None,
        segmentation: bool = False,
        shadows: bool = False,
        reward_mode: str = "sparse",
        pose_step_budget: int = 40,
        texture_split: str = "test",
    ) -> None:
        self.task: TaskSpec = load_task(task)
        for value, valid, what in (
            (axis, AXIS_NAMES, "axis"),
            (obs_mode, OBS_MODES, "obs_mode"),
            (control_mode, CONTROL_MODES, "control_mode"),
            (reward_mode, REWARD_MODES, "reward_mode"),
            (texture_split, SPLITS, "texture_split"),
            (render_mode, (None, *self.metadata["render_modes"]), "render_mode"),
        ):
            if value not in valid:
                raise UnknownNameError(f"unknown {what} {value!r}; valid: {', '.join(map(str, valid))}")
        self.cameras = tuple(cameras)
        for camera in self.cameras:
            if camera not in CAMERAS:
                raise UnknownNameError(f"unknown camera {camera!r}; valid cameras: {', '.join(CAMERAS)}")
        size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
        if len(size) != 2 or not all(1 <= int(v) <= MAX_IMAGE_SIDE for v in size):
            raise ImageSizeError(f"image_size {image_size!r} out of range; height and width must be in 1..1024")
        self.image_size = (int(size[0]), int(size[1]))
        resolve_axes(axis, self.task)  # raises AxisNotApplicableError listing the applicable axes
        self.axis = axis
        self.texture_split = texture_split
        self.obs_mode = obs_mode
        self.render_mode = render_mode
        self.segmentation = segmentation
        self.reward_mode = reward_mode
        self.pose_step_budget = int(pose_step_budget)
        self.max_episode_steps = int(max_episode_steps or self.task.max_steps)
        self._fixed_config = None if episode_config is None else coerce_config(episode_config, self.task)
        self.sim = TaskSimulation(self.task, control_mode, self.image_size, shadows)
        self._first_mo = self.task.objects_with_role("MO")[0].name
        self.action_space = self.controller.action_space
        self.observation_space = self._make_observation_space()
        self.episode_config: EpisodeConfig | None = None
        self.success_tree: Mapping[str, Any] = {}
        self.expert_plan: list[Mapping[str, Any]] = []
        self._camera_ids: dict[str, int] = {}
        self._steps = 0
        self._hold_images = False
        self._last_images: dict[str, np.ndarray] = {}

    # The simulation's parts, rebound whenever a spec-stage perturbation recompiles the scene.
    @property
    def model(self):
        return self.sim.model

    @property
    def data(self):
        return self.sim.data

    @property
    def controller(self):
        return self.sim.controller

    @property
    def scene_state(self):
        return self.sim.scene_state

    def _make_observation_space(self) -> gym.spaces.Dict:
        height, width = self.image_size
        spaces: dict[str, gym.Space] = {
            "state": gym.spaces.Box(-10.0, 10.0, shape=(STATE_DIM,), dtype=np.float32),
            "instruction": gym.spaces.Text(max_length=256, min_length=1, charset=INSTRUCTION_CHARSET),
        }
        far = float(self.model.vis.map.zfar * self.model.stat.extent)
        for camera in self.cameras:
            if self.obs_mode in ("rgb", "rgbd"):
                spaces[f"images/{camera}"] = gym.spaces.Box(0, 255, shape=(height, width, 3), dtype=np.uint8)
            if self.obs_mode == "rgbd":
                spaces[f"depth/{camera}"] = gym.spaces.Box(0.0, far, shape=(height, width), dtype=np.float32)
            if self.segmentation:
                spaces[f"segmentation/{camera}"] = gym.spaces.Box(
                    -1, MAX_GEOM_ID, shape=(height, width), dtype=np.int32
                )
        return gym.spaces.Dict(spaces)

    def sample_config(self, seed: int) -> EpisodeConfig:
        """The episode this env plays for ``seed`` (without resetting): :func:`arena.spec.sample_episode`."""
        return sample_episode(self.task, self.axis, seed, self.texture_split)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        if "episode_config" in options:
            config = coerce_config(options["episode_config"], self.task)
        elif self._fixed_config is not None:
            config = self._fixed_config
        else:
            config = self.sample_config(seed if seed is not None else int(self.np_random.integers(2**31 - 1)))
        self.sim.initialize_episode(config)
        self.scene_state.mark_start()
        self.scene_state.mark_step()
        self.success_tree = predicates.resolve(self.task.success, dict(config.variant))
        self.expert_plan = predicates.resolve(list(self.task.expert), dict(config.variant))
        self.episode_config = config
        self._camera_ids = {camera: self.sim.renderer.camera_id(camera) for camera in self.cameras}
        self._steps = 0
        return self._observation(), self._info(success=False)

    def step(self, action: np.ndarray):
        if self.episode_config is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        action = self.controller.validate(action)
        self.scene_state.mark_step()
        control_steps, unstable = 0, False
        if self.controller.mode == "ee_pose":
            for _ in range(self.pose_step_budget):
                reached = self.controller.command_pose_step(action[:3], action[3:7], action[7])
                control_steps += 1
                unstable = self.sim.simulate()
                self.scene_state.wipe()  # dirt under a sponge pressed on the desk goes (no-op without dirt)
                if reached or unstable:
                    break
        else:
            self.controller.command(action)
            control_steps, unstable = 1, self.sim.simulate()
            self.scene_state.wipe()
        self._steps += 1
        success = False if unstable else predicates.evaluate(self.success_tree, self.scene_state)
        if unstable:
            self.sim.recover()  # keep observations finite
        truncated = unstable or (self._steps >= self.max_episode_steps and not success)
        info = self._info(success=success, sim_unstable=unstable, control_steps=control_steps)
        return self._observation(), self._reward(success), success, truncated, info

    def _reward(self, success: bool) -> float:
        if success:
            return 1.0
        if self.reward_mode == "sparse":
            return 0.0
        tcp, _ = self.controller.tcp_pose()
        target, _ = self.scene_state.object_pose(self._first_mo)
        return float(0.5 * (1.0 - np.tanh(5.0 * np.linalg.norm(tcp - target))))

    def state_vector(self) -> np.ndarray:
        """Proprioceptive state laid out as :data:`STATE_LAYOUT`."""
        tcp_pos, tcp_quat = self.controller.tcp_pose()
        joints, gap = self.sim.arm_state()
        return np.concatenate([tcp_pos, tcp_quat, [gap], joints]).astype(np.float32)

    def hold_images(self, held: bool) -> None:
        """While held, steps return the last rendered camera images instead of rendering new ones.

        The harness holds them while it executes the first actions of an action chunk, whose observations no policy
        looks at: rendering is most of a CPU step's cost. Physics, state and success are unaffected.
        """
        self._hold_images = bool(held)

    def _observation(self) -> dict[str, Any]:
        obs: dict[str, Any] = {"state": self.state_vector(), "instruction": self.episode_config.instruction}
        if self._hold_images and self._last_images and self._steps > 0:
            return obs | self._last_images
        renderer, data = self.sim.renderer, self.data
        for camera, camera_id in self._camera_ids.items():
            if self.obs_mode in ("rgb", "rgbd"):
                obs[f"images/{camera}"] = renderer.rgb(data, camera_id)
            if self.obs_mode == "rgbd":
                obs[f"depth/{camera}"] = renderer.depth(data, camera_id)
            if self.segmentation:
                obs[f"segmentation/{camera}"] = renderer.segmentation(data, camera_id)
        self._last_images = {k: v for k, v in obs.items() if k not in ("state", "instruction")}
        return obs

    def _info(self, success: bool, sim_unstable: bool = False, control_steps: int = 0) -> dict[str, Any]:
        info = {
            "success": success,
            "is_success": success,
            "episode_config": self.episode_config,
            "sim_unstable": sim_unstable,
            "control_steps": control_steps,
            "elapsed_steps": self._steps,
        }
        if self.scene_state.has_dirt:  # WipeDesk: specks of dirt still on the desk, per patch
            info["dirt_left"] = {name: self.scene_state.dirt_left(name) for name in self.scene_state.dirt_patches}
        return info

    def render(self) -> np.ndarray | None:
        """The first requested camera's RGB image when ``render_mode="rgb_array"``."""
        if self.render_mode is None:
            gym.logger.warn("render() called with render_mode=None; pass render_mode='rgb_array' to gymnasium.make")
            return None
        return self.render_camera(self.cameras[0] if self.cameras else "front")

    def render_camera(self, camera: str) -> np.ndarray:
        """RGB image of any scene camera at this env's image size."""
        return self.sim.renderer.rgb(self.data, self.sim.renderer.camera_id(camera))

    def close(self) -> None:
        self.sim.close()
