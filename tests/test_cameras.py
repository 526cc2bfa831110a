"""Every camera a policy uses sees the task: in every task, at reset and at success, the manipulated object and the
gripper are visible in ``front`` and in at least one shoulder camera (counted from segmentation images)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from arena.eval.policies import build_policy
from arena.robot import panda
from arena.sim.cameras import CAMERA_RIGS
from arena.spec.cameras import EXTERNAL_CAMERAS

from .conftest import TASKS

SHOULDERS = ("left_shoulder", "right_shoulder")
IMAGE_SIZE = 128
#: Fewest pixels (of 128 x 128) that count as visible: a 5 cm block on the far side of the table covers about 60.
MIN_PIXELS = 10


def visible_pixels(env: gym.Env) -> dict[str, tuple[int, int]]:
    """Per external camera: pixels of the manipulated objects and of the gripper (hand and fingers)."""
    unwrapped = env.unwrapped
    sim, model = unwrapped.sim, unwrapped.model
    manipulated = sorted(
        set().union(*(sim.scene_state.object_geoms(o.name) for o in unwrapped.task.objects_with_role("MO")))
    )
    gripper_bodies = {model.body(name).id for name in (panda.HAND_BODY, *panda.FINGER_BODIES)}
    gripper = [g for g in range(model.ngeom) if model.geom_bodyid[g] in gripper_bodies]
    counts = {}
    for camera in EXTERNAL_CAMERAS:
        segmentation = sim.renderer.segmentation(unwrapped.data, sim.renderer.camera_id(camera))
        counts[camera] = (int(np.isin(segmentation, manipulated).sum()), int(np.isin(segmentation, gripper).sum()))
    return counts


def assert_task_is_seen(counts: dict[str, tuple[int, int]], moment: str) -> None:
    front_object, front_gripper = counts["front"]
    assert front_object >= MIN_PIXELS and front_gripper >= MIN_PIXELS, f"{moment}: front sees {counts['front']}"
    best = max(min(counts[camera]) for camera in SHOULDERS)
    assert best >= MIN_PIXELS, f"{moment}: no shoulder camera sees both object and gripper: {counts}"


@pytest.mark.parametrize(("task", "seed"), [(task, index % 2) for index, task in enumerate(TASKS)])
def test_front_and_a_shoulder_camera_see_the_object_and_the_gripper_at_reset_and_at_success(task, seed):
    env = gym.make(f"Arena-{task}", obs_mode="state", image_size=IMAGE_SIZE)
    try:
        obs, _ = env.reset(seed=seed)
        assert_task_is_seen(visible_pixels(env), f"{task} seed {seed} at reset")
        policy = build_policy("expert", env)
        policy.reset(obs["instruction"], seed)
        for _ in range(env.unwrapped.max_episode_steps):
            obs, _, terminated, truncated, _ = env.step(policy.act(obs))
            if terminated or truncated:
                break
        assert terminated, f"{task} seed {seed}: the expert did not succeed"
        assert_task_is_seen(visible_pixels(env), f"{task} seed {seed} at success")
    finally:
        env.close()


def test_external_camera_rigs_are_the_same_for_every_task():
    # Rigs are scene constants (the CameraPose axis moves them relative to these), never per-task settings.
    poses = set()
    for task in TASKS:
        env = gym.make(f"Arena-{task}", obs_mode="state")
        env.reset(seed=0)
        model = env.unwrapped.model
        poses.add(tuple(np.round(np.concatenate([model.cam(c).pos for c in CAMERA_RIGS]), 9)))
        env.close()
    assert len(poses) == 1
