"""``ArenaEnv``: one Arena task as a gymnasium environment."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import mujoco
import numpy as np

from arena import predicates
from arena.axis_names import AXIS_NAMES
from arena.episode import (
    EpisodeConfig,
    child_rng,
    instruction_template,
    layout_radii,
    render_instruction,
    sample_episode,
)
from arena.errors import EpisodeConfigError, UnknownNameError
from arena.perturbations import Axis, ModelContext, make_axis, resolve_axes
from arena.perturbations.textures import SPLITS
from arena.rendering import CameraRenderer
from arena.robot import CONTROL_MODES, HOME_QPOS, Controller, panda
from arena.scene import CAMERAS, SceneOptions, build_scene_spec
from arena.scene_state import SceneState
from arena.task_spec import TaskSpec, load_task

CONTROL_FREQUENCY = 20  # Hz
OBS_MODES: tuple[str, ...] = ("rgb", "rgbd", "state")
REWARD_MODES: tuple[str, ...] = ("sparse", "dense")
#: Every axis an env id may name (``None``, the 14 perturbation axes, ``All``).
SUPPORTED_AXES: tuple[str, ...] = AXIS_NAMES
#: Compiled-model fields that model-stage axes edit; restored from a pristine copy before every episode.
PERTURBED_MODEL_FIELDS = (
    "mat_rgba",
    "mat_texid",
    "light_diffuse",
    "light_dir",
    "light_pos",
    "cam_pos",
    "cam_quat",
    "geom_friction",
    "body_mass",
    "body_inertia",
    "body_pos",
    "body_quat",
)
STATE_LAYOUT: tuple[tuple[str, int], ...] = (
    ("tcp_pos", 3),  # metres, world frame
    ("tcp_quat", 4),  # w, x, y, z
    ("gripper_gap", 1),  # metres between the finger pads' joints (0 closed .. 0.08 open)
    ("joint_pos", 7),  # radians, Panda joints 1..7
)
STATE_DIM = sum(size for _, size in STATE_LAYOUT)
INSTRUCTION_CHARSET = string.ascii_letters + string.digits + " .,;:'!?()-_/"
_SETTLE_SECONDS = 0.1
#: Upper bound of segmentation ids (geom ids; distractors add geoms, so the bound is fixed, not ngeom - 1).
MAX_GEOM_ID = 4095
#: MuJoCo warnings that mean the simulation blew up (MuJoCo then resets the state on its own).
_INSTABILITY_WARNINGS = (
    mujoco.mjtWarning.mjWARN_BADQPOS,
    mujoco.mjtWarning.mjWARN_BADQVEL,
    mujoco.mjtWarning.mjWARN_BADQACC,
)


class ArenaEnv(gym.Env):
    """A Franka Panda tabletop manipulation task.

    ## Description
    The robot must complete the task given by a language instruction (``tasks/<Task>.yaml`` documents each
    task's objects, randomisations and success conditions). Episodes are fully described by an
    :class:`~arena.episode.EpisodeConfig`, sampled from the reset seed or replayed exactly.

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
            (axis, SUPPORTED_AXES, "axis"),
            (obs_mode, OBS_MODES, "obs_mode"),
            (control_mode, CONTROL_MODES, "control_mode"),
            (reward_mode, REWARD_MODES, "reward_mode"),
            (texture_split, SPLITS, "texture_split"),
        ):
            if value not in valid:
                raise UnknownNameError(f"unknown {what} {value!r}; valid: {', '.join(valid)}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise UnknownNameError(f"unknown render_mode {render_mode!r}; valid: rgb_array or None")
        self.cameras = tuple(cameras)
        for camera in self.cameras:
            if camera not in CAMERAS:
                raise UnknownNameError(f"unknown camera {camera!r}; valid cameras: {', '.join(CAMERAS)}")
        if isinstance(image_size, int):
            image_size = (image_size, image_size)
        self.image_size = (int(image_size[0]), int(image_size[1]))
        if min(self.image_size) < 1 or max(self.image_size) > 1024:
            raise ValueError(f"image_size {image_size} out of range; height and width must be in 1..1024")
        self.axis = axis
        self.texture_split = texture_split
        self.axes: list[Axis] = resolve_axes(axis, self.task, texture_split)
        self.obs_mode = obs_mode
        self.render_mode = render_mode
        self.segmentation = segmentation
        self.reward_mode = reward_mode
        self.pose_step_budget = int(pose_step_budget)
        self.max_episode_steps = int(max_episode_steps or self.task.max_steps)
        self._fixed_config = None if episode_config is None else self._coerce_config(episode_config)
        self.control_mode = control_mode
        self._renderer: CameraRenderer | None = None
        self._shadows = shadows
        self._scene_key: str | None = None
        self._constants_perturbed = False
        self._build(SceneOptions())
        self._first_mo = self.task.objects_with_role("MO")[0].name

        self.action_space = self.controller.action_space
        self.observation_space = self._make_observation_space()
        self.episode_config: EpisodeConfig | None = None
        self.success_tree: Mapping[str, Any] = {}
        self.expert_plan: list[Mapping[str, Any]] = []
        self._steps = 0

    def _build(self, options: SceneOptions) -> None:
        """Compile the scene for these spec-stage options and rebind everything that holds the model."""
        self.model = build_scene_spec(self.task, options).compile()
        self.data = mujoco.MjData(self.model)
        self._scene_key = options.key()
        self.n_substeps = round(1.0 / CONTROL_FREQUENCY / self.model.opt.timestep)
        self.controller = Controller(self.model, self.data, self.control_mode)
        self.scene_state = SceneState(self.model, self.data, self.task, dict(options.object_scales))
        if self._renderer is None:
            self._renderer = CameraRenderer(self.model, *self.image_size, shadows=self._shadows)
        else:
            self._renderer.set_model(self.model)
        self._camera_ids = {name: self._renderer.camera_id(name) for name in self.cameras}
        self._render_camera = self._renderer.camera_id(self.cameras[0] if self.cameras else "front")
        self._arm_qpos = np.array([self.model.jnt_qposadr[self.model.joint(j).id] for j in panda.ARM_JOINTS])
        self._finger_qpos = np.array([self.model.jnt_qposadr[self.model.joint(j).id] for j in panda.FINGER_JOINTS])
        self._pristine = {name: getattr(self.model, name).copy() for name in PERTURBED_MODEL_FIELDS}

    # ------------------------------------------------------------------------------------------ spaces
    def _make_observation_space(self) -> gym.spaces.Dict:
        height, width = self.image_size
        spaces: dict[str, gym.Space] = {
            "state": gym.spaces.Box(-10.0, 10.0, shape=(STATE_DIM,), dtype=np.float32),
            "instruction": gym.spaces.Text(max_length=256, min_length=1, charset=INSTRUCTION_CHARSET),
        }
        if self.obs_mode in ("rgb", "rgbd"):
            for camera in self.cameras:
                spaces[f"images/{camera}"] = gym.spaces.Box(0, 255, shape=(height, width, 3), dtype=np.uint8)
        if self.obs_mode == "rgbd":
            far = float(self.model.vis.map.zfar * self.model.stat.extent)
            for camera in self.cameras:
                spaces[f"depth/{camera}"] = gym.spaces.Box(0.0, far, shape=(height, width), dtype=np.float32)
        if self.segmentation:
            for camera in self.cameras:
                spaces[f"segmentation/{camera}"] = gym.spaces.Box(
                    -1, MAX_GEOM_ID, shape=(height, width), dtype=np.int32
                )
        return gym.spaces.Dict(spaces)

    # ------------------------------------------------------------------------------------------ episodes
    def _coerce_config(self, config: EpisodeConfig | Mapping[str, Any] | str) -> EpisodeConfig:
        if isinstance(config, str):
            config = EpisodeConfig.from_json(config)
        elif isinstance(config, Mapping):
            config = EpisodeConfig.from_dict(config)
        elif not isinstance(config, EpisodeConfig):
            raise EpisodeConfigError(
                f"episode_config must be an EpisodeConfig, dict or JSON text, got {type(config).__name__}"
            )
        config.validate_for(self.task)
        if config.axis not in SUPPORTED_AXES:
            raise EpisodeConfigError(f"episode config axis {config.axis!r} unknown; valid: {', '.join(SUPPORTED_AXES)}")
        for name, values in config.perturbations.items():
            if name not in AXIS_NAMES[1:-1]:
                raise EpisodeConfigError(
                    f"unknown perturbation axis {name!r}; valid axes: {', '.join(AXIS_NAMES[1:-1])}"
                )
            axis = make_axis(name, self.texture_split)
            if not axis.applicable(self.task):
                raise EpisodeConfigError(f"axis {name} is not applicable to {self.task.name}")
            axis.validate(values, self.task)
        return config

    def sample_config(self, seed: int) -> EpisodeConfig:
        """The episode this env plays for ``seed`` (without resetting).

        Each axis draws from its own child stream of the seed (``axis/<Name>``), so its values are the same
        whether it is on alone or within ``All``, in any order, in any process.
        """
        base = sample_episode(self.task, seed, self.axis)
        if not self.axes:
            return base
        radii = layout_radii(self.task)
        layout = {name: (pose, radii[name]) for name, pose in base.object_poses.items()}
        values = {axis.name: axis.sample(child_rng(seed, f"axis/{axis.name}"), self.task, layout) for axis in self.axes}
        colors = {**values.get("ObjectColor", {}), **values.get("ReceiverColor", {})}
        instruction = base.instruction
        if colors:
            instruction = render_instruction(instruction_template(self.task, seed), self.task, base.variant, colors)
        return dataclasses.replace(base, perturbations=values, instruction=instruction)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        if "episode_config" in options:
            config = self._coerce_config(options["episode_config"])
        elif self._fixed_config is not None:
            config = self._fixed_config
        else:
            episode_seed = seed if seed is not None else int(self.np_random.integers(2**31 - 1))
            config = self.sample_config(episode_seed)
        self._apply_config(config)
        self._steps = 0
        return self._observation(), self._info(success=False)

    def _apply_config(self, config: EpisodeConfig) -> None:
        axes = {name: make_axis(name, self.texture_split) for name in config.perturbations}
        options: dict[str, Any] = {}
        for name, axis in axes.items():
            for key, value in axis.scene_options(config.perturbations[name], self.task).items():
                options[key] = {**options[key], **value} if isinstance(value, dict) and key in options else value
        scene = SceneOptions(
            object_scales=options.get("object_scales", {}), distractors=tuple(options.get("distractors", ()))
        )
        if scene.key() != self._scene_key:
            self._build(scene)
        model, data = self.model, self.data
        for name, pristine in self._pristine.items():
            getattr(model, name)[:] = pristine
        context = ModelContext(model, self._pristine, self.scene_state)
        for name, axis in axes.items():
            if axis.stage == "model":
                axis.apply_model(context, config.perturbations[name])
        mujoco.mj_resetData(model, data)
        if context.constants_changed or self._constants_perturbed:
            mujoco.mj_setConst(model, data)  # also after a mass episode, so derived constants never leak over
        self._constants_perturbed = context.constants_changed
        self._renderer.mark_textures_changed(context.dirty_textures)
        data.qpos[self._arm_qpos] = HOME_QPOS
        data.qpos[self._finger_qpos] = panda.MAX_GRIPPER_GAP / 2
        for name, pose in config.object_poses.items():
            address = self.scene_state.free_qpos_address(name)
            if address is None:
                body = self.scene_state.root_body(name)
                model.body_pos[body] = pose[:3]
                model.body_quat[body] = pose[3:]
            else:
                data.qpos[address : address + 7] = pose
        for joint, value in config.joint_positions.items():
            data.joint(joint).qpos[0] = value
        mujoco.mj_forward(model, data)
        self.controller.reset()
        self.controller.set_gripper(-1.0)
        for _ in range(round(_SETTLE_SECONDS / model.opt.timestep)):
            mujoco.mj_step(model, data)
        self.controller.reset()
        variables = dict(config.variant)
        self.success_tree = predicates.resolve(self.task.success, variables)
        self.expert_plan = predicates.resolve(list(self.task.expert), variables)
        self.episode_config = config

    # ------------------------------------------------------------------------------------------ stepping
    def step(self, action: np.ndarray):
        if self.episode_config is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        action = self.controller.validate(action)
        control_steps = 0
        unstable = False
        if self.controller.mode == "ee_pose":
            for _ in range(self.pose_step_budget):
                reached = self.controller.command_pose_step(action[:3], action[3:7], action[7])
                control_steps += 1
                unstable = self._simulate()
                if reached or unstable:
                    break
        else:
            self.controller.command(action)
            control_steps = 1
            unstable = self._simulate()
        self._steps += 1
        success = False if unstable else predicates.evaluate(self.success_tree, self.scene_state)
        if unstable:
            mujoco.mj_resetData(self.model, self.data)  # keep observations finite
            mujoco.mj_forward(self.model, self.data)
        reward = self._reward(success)
        truncated = unstable or (self._steps >= self.max_episode_steps and not success)
        info = self._info(success=success, sim_unstable=unstable, control_steps=control_steps)
        return self._observation(), reward, success, truncated, info

    def _simulate(self) -> bool:
        """Run one control period of physics; return True if the simulation went unstable."""
        model, data = self.model, self.data
        before = [data.warning[w].number for w in _INSTABILITY_WARNINGS]
        for _ in range(self.n_substeps):
            mujoco.mj_step(model, data)
        warned = any(data.warning[w].number > n for w, n in zip(_INSTABILITY_WARNINGS, before, strict=True))
        return bool(warned or not np.all(np.isfinite(data.qpos)) or not np.all(np.isfinite(data.qvel)))

    def _reward(self, success: bool) -> float:
        if success:
            return 1.0
        if self.reward_mode == "sparse":
            return 0.0
        tcp, _ = self.controller.tcp_pose()
        target, _ = self.scene_state.object_pose(self._first_mo)
        return float(0.5 * (1.0 - np.tanh(5.0 * np.linalg.norm(tcp - target))))

    # ------------------------------------------------------------------------------------------ output
    def state_vector(self) -> np.ndarray:
        """Proprioceptive state laid out as :data:`STATE_LAYOUT`."""
        tcp_pos, tcp_quat = self.controller.tcp_pose()
        gap = self.data.qpos[self._finger_qpos].sum()
        return np.concatenate([tcp_pos, tcp_quat, [gap], self.data.qpos[self._arm_qpos]]).astype(np.float32)

    def _observation(self) -> dict[str, Any]:
        obs: dict[str, Any] = {"state": self.state_vector(), "instruction": self.episode_config.instruction}
        if self.obs_mode in ("rgb", "rgbd"):
            for name, camera in self._camera_ids.items():
                obs[f"images/{name}"] = self._renderer.rgb(self.data, camera)
        if self.obs_mode == "rgbd":
            for name, camera in self._camera_ids.items():
                obs[f"depth/{name}"] = self._renderer.depth(self.data, camera)
        if self.segmentation:
            for name, camera in self._camera_ids.items():
                obs[f"segmentation/{name}"] = self._renderer.segmentation(self.data, camera)
        return obs

    def _info(self, success: bool, sim_unstable: bool = False, control_steps: int = 0) -> dict[str, Any]:
        return {
            "success": success,
            "is_success": success,
            "episode_config": self.episode_config,
            "sim_unstable": sim_unstable,
            "control_steps": control_steps,
            "elapsed_steps": self._steps,
        }

    def render(self) -> np.ndarray | None:
        """The first requested camera's RGB image when ``render_mode="rgb_array"``."""
        if self.render_mode is None:
            gym.logger.warn("render() called with render_mode=None; pass render_mode='rgb_array' to gymnasium.make")
            return None
        return self._renderer.rgb(self.data, self._render_camera)

    def render_camera(self, camera: str) -> np.ndarray:
        """RGB image of any scene camera at this env's image size."""
        return self._renderer.rgb(self.data, self._renderer.camera_id(camera))

    def close(self) -> None:
        self._renderer.close()
