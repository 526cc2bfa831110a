"""ArenaEnv: gymnasium contract, observations, determinism, replay, bad input, vector envs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

import gymnasium as gym
import mujoco
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import arena
from arena.env import STATE_DIM
from arena.errors import AxisNotApplicableError, EpisodeConfigError, UnknownNameError
from arena.sim.cameras import CAMERA_RIGS
from arena.spec.axis_names import AXIS_NAMES
from arena.spec.episode import EpisodeConfig

from .conftest import TASKS


def _check_env_sample() -> list[str]:
    """Each task's plain, None and All ids plus a quarter of its single-axis ids, rotating from task to task, so
    every axis is checked on a quarter of the tasks (``benchmarks/check_env_all.py`` checks every applicable id)."""
    applicable = set(arena.applicable_ids())
    sample = []
    for index, task in enumerate(TASKS):
        for k, axis in enumerate(AXIS_NAMES):
            env_id = f"Arena-{task}-{axis}"
            if env_id in applicable and (axis in ("None", "All") or (k + index) % 4 == 0):
                sample.append(env_id)
        sample.append(f"Arena-{task}")
    return sample


@pytest.mark.parametrize("env_id", _check_env_sample())
def test_check_env_passes_for_a_sample_of_the_applicable_registered_ids(env_id):
    # state observations here (spaces, seeding, determinism of the perturbed episodes); the image observations
    # of every task are checked once below, the axes' effect on images in test_perturbations.py
    env = gym.make(env_id, obs_mode="state")
    check_env(env.unwrapped, skip_render_check=True)
    env.close()


@pytest.mark.parametrize("task", TASKS)
def test_check_env_passes_with_image_observations_under_all_axes(task):
    env = gym.make(f"Arena-{task}-All", image_size=32, cameras=("front", "wrist"))
    check_env(env.unwrapped, skip_render_check=True)
    env.close()


def test_every_task_has_plain_and_all_sixteen_axis_ids():
    ids = set(arena.registered_ids())
    assert len(AXIS_NAMES) == 16
    assert len(ids) == len(TASKS) * (1 + len(AXIS_NAMES))
    for task in TASKS:
        assert {f"Arena-{task}", f"Arena-{task}-None", f"Arena-{task}-All", f"Arena-{task}-Mass"} <= ids


@pytest.mark.parametrize("env_id", sorted(set(arena.registered_ids()) - set(arena.applicable_ids())))
def test_not_applicable_ids_raise_a_clear_error(env_id):
    with pytest.raises(AxisNotApplicableError, match="not applicable to .* has none; applicable axes: None, "):
        gym.make(env_id)


def test_observation_contains_requested_cameras_state_and_instruction(make_env):
    env = make_env(obs_mode="rgbd", cameras=("front", "left_shoulder", "wrist"), image_size=(48, 64), segmentation=True)
    obs, info = env.reset(seed=2)
    assert env.observation_space.contains(obs)
    assert obs["images/front"].shape == (48, 64, 3) and obs["images/front"].dtype == np.uint8
    assert obs["depth/wrist"].shape == (48, 64) and obs["depth/wrist"].dtype == np.float32
    assert obs["segmentation/left_shoulder"].dtype == np.int32
    assert "images/right_shoulder" not in obs
    assert obs["state"].shape == (STATE_DIM,)
    assert obs["instruction"] == info["episode_config"].instruction
    assert info["success"] is False and info["is_success"] is False


def test_state_layout_matches_the_simulator(make_env):
    env = make_env(obs_mode="state")
    obs, _ = env.reset(seed=0)
    tcp_pos, tcp_quat = env.unwrapped.controller.tcp_pose()
    np.testing.assert_allclose(obs["state"][:3], tcp_pos, atol=1e-6)
    np.testing.assert_allclose(obs["state"][3:7], tcp_quat, atol=1e-6)
    np.testing.assert_allclose(obs["state"][8:15], env.unwrapped.controller.arm_qpos(), atol=1e-6)


def test_segmentation_labels_the_objects_geoms(make_env):
    env = make_env(cameras=("front",), segmentation=True)
    obs, _ = env.reset(seed=0)
    seen = set(np.unique(obs["segmentation/front"]))
    block_geoms = env.unwrapped.scene_state.object_geoms("top_block")
    assert seen & block_geoms


def test_depth_is_metric(make_env):
    env = make_env("Arena-CloseBox", obs_mode="rgbd", cameras=("front",))
    obs, _ = env.reset(seed=0)
    position, target = (np.array(v) for v in CAMERA_RIGS["front"])
    # The image centre looks along the rig's axis; past the look-at point it meets the table top (z = 0) here:
    hit = position + (target - position) * position[2] / (position[2] - target[2])
    assert obs["depth/front"][64, 64] == pytest.approx(np.linalg.norm(hit - position), abs=0.01)


def _rollout_digest(env_id: str, seed: int, steps: int) -> str:
    env = gym.make(env_id, cameras=("front", "wrist"), image_size=64)
    digest = hashlib.sha256()
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        for key in sorted(obs):
            digest.update(key.encode())
            digest.update(obs[key].tobytes() if isinstance(obs[key], np.ndarray) else obs[key].encode())
        obs, *_ = env.step(rng.uniform(env.action_space.low, env.action_space.high).astype(np.float32))
    env.close()
    return digest.hexdigest()


def test_same_seed_gives_byte_identical_observations_in_another_process():
    here = _rollout_digest("Arena-OpenDrawer", 11, 15)
    code = textwrap.dedent(
        """
        import sys
        from tests.test_env import _rollout_digest
        print(_rollout_digest("Arena-OpenDrawer", 11, 15))
        """
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert other == here
    assert _rollout_digest("Arena-OpenDrawer", 12, 15) != here


@pytest.mark.parametrize("task", TASKS)
def test_replaying_an_episode_config_reproduces_the_episode(make_env, task):
    """Under All (sizes, groups, homes, toys, every appearance axis) a replayed config gives the same bytes."""
    env = make_env(f"Arena-{task}-All", cameras=("front",), image_size=32)
    env.action_space.seed(0)
    obs, info = env.reset(seed=5)
    config_json = info["episode_config"].to_json()
    actions = [env.action_space.sample() for _ in range(5)]
    first = [env.step(a)[0]["images/front"] for a in actions]
    env.reset(seed=99)
    obs2, info2 = env.reset(options={"episode_config": EpisodeConfig.from_json(config_json)})
    np.testing.assert_array_equal(obs["images/front"], obs2["images/front"])
    assert info2["episode_config"].config_hash == info["episode_config"].config_hash
    second = [env.step(a)[0]["images/front"] for a in actions]
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(obs["state"], obs2["state"])


def test_constructor_episode_config_is_replayed_on_every_reset(make_env):
    config = make_env("Arena-CloseBox").unwrapped.sample_config(4)
    env = make_env("Arena-CloseBox", obs_mode="state", episode_config=config.to_dict())
    _, info_a = env.reset(seed=1)
    _, info_b = env.reset(seed=2)
    assert info_a["episode_config"] == info_b["episode_config"] == config


def test_replaying_a_config_of_another_task_is_rejected(make_env):
    env = make_env("Arena-StackBlocks", obs_mode="state")
    config = make_env("Arena-CloseBox", obs_mode="state").unwrapped.sample_config(0)
    with pytest.raises(EpisodeConfigError, match="is for task 'CloseBox'"):
        env.reset(options={"episode_config": config})


def test_arena_make_names_every_valid_task_and_axis_for_an_unknown_id():
    with pytest.raises(
        UnknownNameError,
        match="valid tasks: BasketballInHoop, CloseBox, .*valid axes: None, ObjectColor, .*, Mass, All",
    ):
        arena.make("Arena-StackBlocks-Brightness")
    with pytest.raises(UnknownNameError, match="valid tasks"):
        arena.make("Arena-PourWater")


def test_gymnasium_itself_is_not_patched():
    from gymnasium.envs import registration

    assert registration._check_name_exists.__module__ == "gymnasium.envs.registration"
    with pytest.raises(gym.error.NameNotFound) as error:
        gym.make("Arena-StackBlocks-Brightness")
    assert "valid tasks" not in str(error.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": "PourWater"}, "valid tasks"),
        ({"axis": "Sparkles"}, "unknown axis"),
        ({"obs_mode": "pixels"}, "unknown obs_mode"),
        ({"control_mode": "torque"}, "unknown control_mode"),
        ({"cameras": ("front", "ceiling")}, "valid cameras: front, left_shoulder"),
    ],
)
def test_bad_constructor_arguments_list_what_is_valid(kwargs, message):
    with pytest.raises(UnknownNameError, match=message):
        arena.env.ArenaEnv(**kwargs)


def test_unstable_simulation_truncates_the_episode_instead_of_crashing(make_env):
    env = make_env(obs_mode="state")
    env.reset(seed=0)
    env.unwrapped.data.qvel[:] = 1e12
    obs, reward, terminated, truncated, info = env.step(np.zeros(7, dtype=np.float32))
    assert truncated and not terminated
    assert info["sim_unstable"] is True
    assert np.all(np.isfinite(obs["state"]))


def test_episode_truncates_at_max_episode_steps(make_env):
    env = make_env(obs_mode="state", max_episode_steps=3)
    env.reset(seed=0)
    flags = [env.step(np.zeros(7, dtype=np.float32))[3] for _ in range(3)]
    assert flags == [False, False, True]


def test_shadows_are_off_by_default_and_can_be_enabled(make_env):
    plain = make_env(cameras=("front",), image_size=64)
    shadowed = make_env(cameras=("front",), image_size=64, shadows=True)
    image = plain.reset(seed=0)[0]["images/front"]
    image_with_shadows = shadowed.reset(seed=0)[0]["images/front"]
    assert not np.array_equal(image, image_with_shadows)
    assert image_with_shadows.mean() < image.mean()


def test_render_returns_the_first_camera_image(make_env):
    env = make_env(cameras=("left_shoulder",), image_size=32, render_mode="rgb_array")
    obs, _ = env.reset(seed=0)
    np.testing.assert_array_equal(env.render(), obs["images/left_shoulder"])


def test_async_vector_env_with_spawn_context_steps_and_matches_single_env():
    vec = gym.make_vec(
        "Arena-StackBlocks",
        num_envs=2,
        vectorization_mode="async",
        vector_kwargs={"context": "spawn"},
        cameras=("front",),
        image_size=32,
    )
    obs, info = vec.reset(seed=[3, 4])
    assert obs["images/front"].shape == (2, 32, 32, 3)
    obs, reward, terminated, truncated, info = vec.step(np.zeros((2, 7), dtype=np.float32))
    vec.close()
    single = gym.make("Arena-StackBlocks", cameras=("front",), image_size=32)
    single.reset(seed=4)
    expected = single.step(np.zeros(7, dtype=np.float32))[0]["images/front"]
    single.close()
    np.testing.assert_array_equal(obs["images/front"][1], expected)


def test_physics_substeps_run_at_the_control_rate(make_env):
    env = make_env(obs_mode="state")
    env.reset(seed=0)
    start = env.unwrapped.data.time
    env.step(np.zeros(7, dtype=np.float32))
    assert env.unwrapped.data.time - start == pytest.approx(0.05)
    assert env.unwrapped.metadata["render_fps"] == 20
    assert env.unwrapped.model.opt.timestep == pytest.approx(0.002)
    assert env.unwrapped.model.opt.cone == mujoco.mjtCone.mjCONE_ELLIPTIC
