"""Shared fixtures: headless rendering and small env factories."""

from __future__ import annotations

import os

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
import pytest  # noqa: E402

import arena  # noqa: E402,F401 - registers ids
from arena.spec.task import task_names  # noqa: E402

#: Every shipped task, from the task registry: a new YAML file joins every parametrized test.
TASKS = task_names()


@pytest.fixture
def make_env():
    """Factory for envs that are closed at the end of the test."""
    envs = []

    def factory(env_id: str = "Arena-StackBlocks", **kwargs):
        env = gym.make(env_id, **kwargs)
        envs.append(env)
        return env

    yield factory
    for env in envs:
        env.close()


#: The small demonstration dataset the dataset and learned-policy tests share: one short task, two episodes, the two
#: cameras the shipped policy uses, at 64 px.
SMALL_DEMOS = {"tasks": ["CloseLaptopLid"], "axes": ["None"], "episodes": 2, "cameras": ("front", "wrist"),
               "image_size": 64}  # fmt: skip


@pytest.fixture(scope="session")
def small_demos(tmp_path_factory):
    """A recorded LeRobot v3.0 dataset (recorded once per test session, in this process)."""
    from arena.data.demos import record_demos

    out = tmp_path_factory.mktemp("demos") / "small"
    return record_demos(out=out, workers=0, progress=False, **SMALL_DEMOS)
