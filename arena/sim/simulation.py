"""One task's simulation across episodes: from an :class:`EpisodeConfig` to a settled initial state.

Episode set-up runs in the order dm_control's composer uses (``initialize_episode_mjcf`` then
``initialize_episode``):

1. **spec stage**: the spec-stage perturbations (sizes, distractors) give the scene options; the scene is
   rebuilt and compiled only when those change (the renderer keeps its GL context);
2. **model stage**: the declared model fields are restored from their pristine copies, then the model-stage
   perturbations write into the compiled model;
3. **pose**: robot at home with the gripper open, objects at their sampled poses, articulated parts at their
   sampled joint positions;
4. **settle**: 0.1 s of physics so everything rests on its support.
"""

from __future__ import annotations

import mujoco
import numpy as np

from arena.perturbations import PERTURBED_MODEL_FIELDS, ModelContext, apply_model_stage, scene_options
from arena.robot import HOME_QPOS, Controller, panda
from arena.sim.rendering import CameraRenderer
from arena.sim.scene import SceneOptions, build_scene_spec
from arena.sim.scene_state import SceneState
from arena.spec.episode import EpisodeConfig
from arena.spec.sampling import parse_perturbations
from arena.spec.task import TaskSpec

CONTROL_FREQUENCY = 20  # Hz
SETTLE_SECONDS = 0.1
#: Fields the pose step writes: fixed objects are placed by moving their root body.
POSE_FIELDS: tuple[str, ...] = ("body_pos", "body_quat")
#: Every compiled-model field an episode may change, restored before the next one.
RESTORED_FIELDS: tuple[str, ...] = tuple(sorted(set(PERTURBED_MODEL_FIELDS) | set(POSE_FIELDS)))
#: MuJoCo warnings that mean the simulation blew up (MuJoCo then resets the state on its own).
_INSTABILITY_WARNINGS = (
    mujoco.mjtWarning.mjWARN_BADQPOS,
    mujoco.mjtWarning.mjWARN_BADQVEL,
    mujoco.mjtWarning.mjWARN_BADQACC,
)


class TaskSimulation:
    """The compiled scene of one task, its controller, scene queries and camera renderer.

    Args:
        task: The task spec.
        control_mode: Controller mode (``ee_delta``, ``ee_pose``, ``joint_pos``).
        image_size: (height, width) of rendered images.
        shadows: Render shadows.
    """

    def __init__(self, task: TaskSpec, control_mode: str, image_size: tuple[int, int], shadows: bool = False):
        self.task = task
        self.control_mode = control_mode
        self.image_size = image_size
        self.shadows = shadows
        self.renderer: CameraRenderer | None = None
        self._scene_key: str | None = None
        self._constants_perturbed = False
        self._compile(SceneOptions())

    def _compile(self, options: SceneOptions) -> None:
        """Compile the scene for these options and rebind everything that holds the model."""
        self.model = build_scene_spec(self.task, options).compile()
        self.data = mujoco.MjData(self.model)
        self._scene_key = options.key()
        self.n_substeps = round(1.0 / CONTROL_FREQUENCY / self.model.opt.timestep)
        self.controller = Controller(self.model, self.data, self.control_mode)
        self.scene_state = SceneState(self.model, self.data, self.task, dict(options.object_scales))
        if self.renderer is None:
            self.renderer = CameraRenderer(self.model, *self.image_size, shadows=self.shadows)
        else:
            self.renderer.set_model(self.model)
        self._arm_qpos = np.array([self.model.joint(j).qposadr[0] for j in panda.ARM_JOINTS])
        self._finger_qpos = np.array([self.model.joint(j).qposadr[0] for j in panda.FINGER_JOINTS])
        self.pristine = {name: getattr(self.model, name).copy() for name in RESTORED_FIELDS}

    def initialize_episode(self, config: EpisodeConfig) -> None:
        """Build, perturb, pose and settle the scene of ``config`` (see module docstring)."""
        values = parse_perturbations(config, self.task)
        options = scene_options(values)
        if options.key() != self._scene_key:
            self._compile(options)
        model, data = self.model, self.data
        for name, pristine in self.pristine.items():
            getattr(model, name)[:] = pristine
        context = ModelContext(model, self.pristine, self.scene_state)
        apply_model_stage(context, values)
        mujoco.mj_resetData(model, data)
        if context.constants_changed or self._constants_perturbed:
            mujoco.mj_setConst(model, data)  # also after a mass episode, so derived constants never leak over
        self._constants_perturbed = context.constants_changed
        self.renderer.mark_textures_changed(context.dirty_textures)
        self._pose(config)
        self._settle()

    def _pose(self, config: EpisodeConfig) -> None:
        model, data = self.model, self.data
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
            if model.jnt_type[model.joint(joint).id] == mujoco.mjtJoint.mjJNT_BALL:
                # a ball joint (a rope's link) takes one value too: a bend of that many radians about its link's z axis
                data.joint(joint).qpos[:] = (np.cos(value / 2), 0.0, 0.0, np.sin(value / 2))
            else:
                data.joint(joint).qpos[0] = value
        mujoco.mj_forward(model, data)

    def _settle(self) -> None:
        self.controller.reset()
        self.controller.set_gripper(-1.0)
        for _ in range(round(SETTLE_SECONDS / self.model.opt.timestep)):
            mujoco.mj_step(self.model, self.data)
        self.controller.reset()

    def simulate(self) -> bool:
        """Run one control period of physics; return True if the simulation went unstable."""
        model, data = self.model, self.data
        before = [data.warning[w].number for w in _INSTABILITY_WARNINGS]
        for _ in range(self.n_substeps):
            mujoco.mj_step(model, data)
        warned = any(data.warning[w].number > n for w, n in zip(_INSTABILITY_WARNINGS, before, strict=True))
        return bool(warned or not np.all(np.isfinite(data.qpos)) or not np.all(np.isfinite(data.qvel)))

    def recover(self) -> None:
        """Reset the state after an instability so observations stay finite."""
        mujoco.mj_resetData(self.model, self.data)
        mujoco.mj_forward(self.model, self.data)

    def arm_state(self) -> tuple[np.ndarray, float]:
        """The seven arm joint angles (radians) and the finger gap (metres)."""
        return self.data.qpos[self._arm_qpos], float(self.data.qpos[self._finger_qpos].sum())

    def close(self) -> None:
        """Release the renderer's GL context (safe to call twice)."""
        if self.renderer is not None:
            self.renderer.close()
