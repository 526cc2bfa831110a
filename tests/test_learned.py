"""Learned policies: training lowers the loss, checkpoints round-trip, bad checkpoints are refused, the shipped
checkpoint loads and acts, and the harness gives a checkpoint exactly the cameras it was trained on."""

from __future__ import annotations

import json
import shutil

import gymnasium as gym
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from arena.eval.evaluation import evaluate  # noqa: E402
from arena.eval.policies import env_kwargs, resolve_policy  # noqa: E402
from arena.policies import load  # noqa: E402
from arena.policies.learned.checkpoint import load_network, save_checkpoint  # noqa: E402
from arena.policies.learned.config import CheckpointError, shipped_checkpoints  # noqa: E402
from arena.policies.learned.training import train  # noqa: E402


@pytest.fixture(scope="module")
def tiny_vla(small_demos, tmp_path_factory):
    return train("vla", small_demos, tmp_path_factory.mktemp("ckpt") / "vla", steps=100, batch_size=16,
                 learning_rate=1e-3, workers=1, threads=1, progress=False)  # fmt: skip


@pytest.fixture(scope="module")
def tiny_bc(small_demos, tmp_path_factory):
    return train("bc", small_demos, tmp_path_factory.mktemp("ckpt") / "bc", tasks=["CloseLaptopLid"], steps=100,
                 batch_size=16, learning_rate=1e-3, threads=1, progress=False)  # fmt: skip


@pytest.fixture
def laptop_env():
    env = gym.make("Arena-CloseLaptopLid", cameras=("front", "wrist"), image_size=64)
    yield env
    env.close()


@pytest.mark.parametrize("checkpoint", ["tiny_vla", "tiny_bc"])
def test_a_tiny_training_run_lowers_its_loss(checkpoint, request):
    folder = request.getfixturevalue(checkpoint)
    log = json.loads((folder / "train_log.json").read_text())
    assert log[-1]["loss"] < 0.7 * log[0]["loss"], log
    config = json.loads((folder / "config.json").read_text())
    assert config["training"]["data_hash"] and config["training"]["steps"] == 100
    assert config["cameras"] == ["front", "wrist"] and config["image_size"] == 64


@pytest.mark.parametrize("checkpoint", ["tiny_vla", "tiny_bc"])
def test_a_checkpoint_round_trip_gives_the_same_actions(checkpoint, request, laptop_env, tmp_path):
    folder = request.getfixturevalue(checkpoint)
    obs, _ = laptop_env.reset(seed=4)
    first = load(folder, laptop_env)
    first.reset(obs["instruction"])
    before = first.act(obs)
    network, config = load_network(folder)
    save_checkpoint(tmp_path / "copy", network, config)
    second = load(tmp_path / "copy", laptop_env)
    second.reset(obs["instruction"])
    after = second.act(obs)
    assert before.shape == (config["execute_steps"], 7)
    np.testing.assert_array_equal(before, after)
    assert np.all(np.abs(before[:, :3]) <= 0.05)
    assert np.abs(before).sum() > 0  # a trained network moves


def test_a_wrong_shape_or_a_missing_file_is_refused_clearly(tiny_vla, tmp_path):
    broken = tmp_path / "wide"
    shutil.copytree(tiny_vla, broken)
    config = json.loads((broken / "config.json").read_text())
    config["architecture"]["width"] = 64
    (broken / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=r"does not match its config.json: wrong shape: .*\(the config's"):
        load_network(broken)
    missing = tmp_path / "missing"
    shutil.copytree(tiny_vla, missing)
    (missing / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match="lacks model.safetensors"):
        load(missing)
    (missing / "model.safetensors").write_bytes(b"\x80\x04pickle?")
    with pytest.raises(CheckpointError, match="not a readable safetensors file"):
        load_network(missing)
    with pytest.raises(CheckpointError, match="no checkpoint folder 'nowhere'.*arena-vla-small"):
        load("nowhere")
    config["cameras"] = "front"
    (broken / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="field 'cameras' must be a list"):
        load(broken)


def test_a_checkpoint_refuses_an_env_without_its_cameras(tiny_vla):
    env = gym.make("Arena-CloseLaptopLid", cameras=("front",), image_size=64)
    try:
        with pytest.raises(CheckpointError, match=r"needs cameras \['front', 'wrist'\] at 64 px"):
            load(tiny_vla, env)
    finally:
        env.close()


def test_a_device_the_machine_lacks_is_refused_by_name(tiny_vla):
    from arena.policies.learned.policy import CheckpointPolicy

    with pytest.raises(CheckpointError, match="unknown device 'gpu0'; use cpu or cuda"):
        CheckpointPolicy(tiny_vla, device="gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(CheckpointError, match="torch sees no CUDA GPU here"):
            CheckpointPolicy(tiny_vla, device="cuda")
    assert CheckpointPolicy(tiny_vla, device="cpu").device.type == "cpu"


def test_the_harness_builds_envs_with_the_checkpoints_cameras(tiny_vla, tmp_path):
    factory = resolve_policy(f"checkpoint:{tiny_vla}")
    assert env_kwargs(factory) == {"obs_mode": "rgb", "cameras": ("front", "wrist"), "image_size": 64}
    results = evaluate(f"checkpoint:{tiny_vla}", ["CloseLaptopLid"], ["None"], 1, tmp_path, max_steps=20,
                       progress=False)  # fmt: skip
    record = json.loads(results.read_text().splitlines()[0])
    assert record["error"] is None and record["steps"] == 20
    assert record["policy_metadata"]["weights_sha256"] and record["policy_metadata"]["policy"] == "vla"


def test_the_shipped_checkpoint_loads_and_acts():
    assert "arena-vla-small" in shipped_checkpoints()
    factory = resolve_policy("checkpoint:arena-vla-small")
    env = gym.make("Arena-OpenDrawer", **env_kwargs(factory))
    try:
        obs, _ = env.reset(seed=0)
        policy = factory(env)
        policy.reset(obs["instruction"])
        chunk = policy.act(obs)
        assert chunk.shape == (policy.config["execute_steps"], 7) and np.all(np.isfinite(chunk))
        assert set(policy.config["tasks"]) >= {"OpenDrawer", "CloseLaptopLid"}
        for action in chunk:
            obs, *_ = env.step(action)
    finally:
        env.close()


def test_held_images_skip_rendering_without_changing_the_physics(laptop_env):
    obs, _ = laptop_env.reset(seed=1)
    action = np.array([0.02, 0, -0.02, 0, 0, 0, -1.0])
    laptop_env.unwrapped.hold_images(True)
    held, *_ = laptop_env.step(action)
    assert np.array_equal(held["images/front"], obs["images/front"])  # the image is the last one rendered
    laptop_env.unwrapped.hold_images(False)
    fresh, *_ = laptop_env.step(action)
    assert not np.array_equal(fresh["images/front"], obs["images/front"])
    laptop_env.reset(seed=1)
    laptop_env.step(action)
    replay, *_ = laptop_env.step(action)
    np.testing.assert_array_equal(replay["state"], fresh["state"])


def test_state_features_are_the_same_for_a_quaternion_and_its_negation():
    from arena.policies.learned.networks import state_features

    state = np.zeros(15)
    state[3:7] = [0.0, 0.99, 0.1, 0.0]
    state[3:7] /= np.linalg.norm(state[3:7])
    flipped = state.copy()
    flipped[3:7] *= -1
    np.testing.assert_allclose(state_features(state), state_features(flipped))
    assert state_features(state).shape == (1, 17)


def test_finetuning_keeps_the_base_statistics_so_the_result_merges(tiny_vla, small_demos, tmp_path):
    from arena.policies.learned.merging import merge_checkpoints

    tuned = train("vla", small_demos, tmp_path / "tuned", steps=5, batch_size=8, threads=1, progress=False,
                  init=tiny_vla)  # fmt: skip
    base_config = json.loads((tiny_vla / "config.json").read_text())
    tuned_config = json.loads((tuned / "config.json").read_text())
    assert tuned_config["normalization"] == base_config["normalization"]
    assert tuned_config["training"]["init"] == str(tiny_vla)
    merged = merge_checkpoints(tiny_vla, tuned, tmp_path / "merged", 0.5)
    assert load(merged).config["merge"]["alpha"] == 0.5
    with pytest.raises(CheckpointError, match="is a vla checkpoint; train it with --policy vla"):
        train("bc", small_demos, tmp_path / "bad", steps=1, progress=False, init=tiny_vla)


def test_episode_selection_keeps_each_tasks_first_episodes():
    from types import SimpleNamespace

    from arena.policies.learned.dataset import select_episodes

    episodes = [{"episode_index": i, "arena/task": task} for i, task in enumerate("AABBBA")]
    dataset = SimpleNamespace(episodes=episodes, root="data")
    assert [e["episode_index"] for e in select_episodes(dataset, None, 2)] == [0, 1, 2, 3]
    assert [e["episode_index"] for e in select_episodes(dataset, ["B"], 1)] == [2]
    with pytest.raises(CheckpointError, match=r"has no episodes of \['C'\]; it holds A, B"):
        select_episodes(dataset, ["C"])


def test_statistics_can_cover_tasks_beyond_the_training_ones(small_demos, tmp_path):
    folder = train("vla", small_demos, tmp_path / "s", steps=2, batch_size=4, threads=1, progress=False,
                   stats_tasks=["CloseLaptopLid"], episodes_per_task=1)  # fmt: skip
    config = json.loads((folder / "config.json").read_text())
    assert config["training"]["episodes"] == 1 and config["training"]["stats_tasks"] == ["CloseLaptopLid"]
    whole = train("vla", small_demos, tmp_path / "w", steps=2, batch_size=4, threads=1, progress=False)
    assert config["normalization"] == json.loads((whole / "config.json").read_text())["normalization"]
