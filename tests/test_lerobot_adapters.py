"""LeRobot adapters: an Arena env in LeRobot's gym conventions, a LeRobot-interface policy as an Arena policy."""

from __future__ import annotations

import numpy as np
import pytest

from arena.errors import PolicyError
from arena.eval.runner import run_episode
from arena.policies.lerobot.env import LeRobotEnv
from arena.policies.lerobot.policy import LeRobotPolicy, lerobot_batch, lerobot_factory


def test_the_env_wrapper_gives_pixels_agent_pos_task_and_is_success(make_env):
    env = LeRobotEnv(make_env("Arena-CloseBox", cameras=("front", "wrist"), image_size=64))
    observation, info = env.reset(seed=1)
    assert set(observation) == {"pixels", "agent_pos"} and set(observation["pixels"]) == {"front", "wrist"}
    assert observation["pixels"]["front"].shape == (64, 64, 3) and observation["pixels"]["front"].dtype == np.uint8
    assert observation["agent_pos"].shape == (15,) and observation["agent_pos"].dtype == np.float32
    assert env.observation_space.contains(observation)
    assert env.task == "CloseBox" and "box" in env.task_description and info["is_success"] is False
    observation, _, _, _, info = env.step(np.zeros(7))
    assert "is_success" in info and env.observation_space.contains(observation)


def test_a_state_only_env_has_no_pixels(make_env):
    env = LeRobotEnv(make_env("Arena-CloseBox", obs_mode="state"))
    observation, _ = env.reset(seed=0)
    assert set(observation) == {"agent_pos"} and "pixels" not in env.observation_space.spaces


def _observation():
    image = np.zeros((4, 6, 3), np.uint8)
    image[1, 2] = (255, 51, 0)
    return {"images/front": image, "images/wrist": image[:, ::-1], "state": np.arange(15, dtype=np.float32),
            "instruction": "close the box"}  # fmt: skip


def test_the_batch_has_lerobots_keys_float_chw_images_in_0_1_state_and_task():
    batch = lerobot_batch(_observation(), ("front", "wrist"), {"front": "top"})
    assert sorted(batch) == ["observation.images.top", "observation.images.wrist", "observation.state", "task"]
    top = batch["observation.images.top"]
    assert top.shape == (1, 3, 4, 6) and top.dtype == np.float32
    np.testing.assert_allclose(top[0, :, 1, 2], [1.0, 0.2, 0.0])
    assert batch["observation.state"].shape == (1, 15) and batch["task"] == ["close the box"]
    with pytest.raises(PolicyError, match="needs images/left_shoulder"):
        lerobot_batch(_observation(), ("left_shoulder",))


class FakeLeRobotPolicy:
    """LeRobot's interface: select_action on a batch of torch tensors, one action per row; reset clears state."""

    def __init__(self):
        self.resets, self.batches = 0, []

    def reset(self):
        self.resets += 1

    def select_action(self, batch):
        import torch

        self.batches.append(batch)
        assert isinstance(batch["observation.state"], torch.Tensor)
        return batch["observation.state"][:, :7] * 0.0 + torch.tensor([[0.01, 0, 0, 0, 0, 0, -1.0]])


def test_a_lerobot_policy_plays_an_arena_episode(make_env):
    pytest.importorskip("torch")
    fake = FakeLeRobotPolicy()
    factory = lerobot_factory(lambda: fake, cameras=("front",), image_size=64)
    assert (factory.obs_mode, factory.cameras, factory.image_size) == ("rgb", ("front",), 64)
    env = make_env("Arena-CloseBox", cameras=("front",), image_size=64, max_episode_steps=3)
    outcome, _ = run_episode(env, factory(env), seed=0)
    assert outcome["error"] is None and outcome["steps"] == 3 and fake.resets == 1
    batch = fake.batches[0]
    assert batch["observation.images.front"].shape == (1, 3, 64, 64) and batch["task"][0].startswith("close")
    assert float(batch["observation.images.front"].max()) <= 1.0
    with pytest.raises(PolicyError, match="lacks LeRobot's"):
        LeRobotPolicy(object())
