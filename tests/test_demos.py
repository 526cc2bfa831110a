"""arena demos: the LeRobot v3.0 files, their schema and statistics, exact replay, resume and determinism."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import gymnasium as gym
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arena.data import demos as demos_module
from arena.data.demos import DemoError, cell_episodes, dataset_hash, pending_attempts, record_demos
from arena.data.lerobot import QUANTILE_KEYS, LeRobotDataset
from arena.data.video import frame_times, read_video
from arena.env import STATE_DIM
from arena.spec.episode import EpisodeConfig
from arena.spec.textures import split_indices
from tests.conftest import SMALL_DEMOS

LEROBOT_EPISODE_COLUMNS = {
    "episode_index", "tasks", "length", "data/chunk_index", "data/file_index", "dataset_from_index",
    "dataset_to_index", "meta/episodes/chunk_index", "meta/episodes/file_index",
}  # fmt: skip


def test_the_dataset_has_lerobot_v3_files_and_info(small_demos):
    for path in ("meta/info.json", "meta/stats.json", "meta/tasks.parquet", "meta/episodes/chunk-000/file-000.parquet",
                 "data/chunk-000/file-000.parquet", "videos/observation.images.front/chunk-000/file-000.mp4",
                 "videos/observation.images.wrist/chunk-000/file-000.mp4"):  # fmt: skip
        assert (small_demos / path).is_file(), path
    info = json.loads((small_demos / "meta/info.json").read_text())
    assert info["codebase_version"] == "v3.0" and info["fps"] == 20
    assert info["total_episodes"] == 2 and info["splits"] == {"train": "0:2"}
    assert info["data_path"] == "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"
    assert info["video_path"] == "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4"
    features = info["features"]
    assert set(features) == {
        "observation.images.front", "observation.images.wrist", "observation.state", "action", "timestamp",
        "frame_index", "episode_index", "index", "task_index",
    }  # fmt: skip
    assert features["observation.images.front"]["dtype"] == "video"
    assert features["observation.images.front"]["shape"] == [64, 64, 3]
    assert features["observation.images.front"]["info"]["video.codec"] == "h264"
    assert features["observation.state"]["shape"] == [STATE_DIM] and features["action"]["shape"] == [7]
    assert not set(info) - {"codebase_version", "robot_type", "total_episodes", "total_frames", "total_tasks",
                            "chunks_size", "data_files_size_in_mb", "video_files_size_in_mb", "fps", "splits",
                            "data_path", "video_path", "features"}  # fmt: skip


def test_frames_table_schema_and_index_columns(small_demos):
    table = pq.read_table(small_demos / "data/chunk-000/file-000.parquet")
    for name, size in (("observation.state", STATE_DIM), ("action", 7)):
        kind = table.schema.field(name).type  # datasets' Sequence(Value("float32"), length=size)
        assert pa.types.is_fixed_size_list(kind) and kind.list_size == size and kind.value_type == pa.float32()
    assert b"huggingface" in table.schema.metadata
    frames = LeRobotDataset(small_demos).frames
    info = json.loads((small_demos / "meta/info.json").read_text())
    assert len(frames["index"]) == info["total_frames"]
    assert np.array_equal(frames["index"], np.arange(info["total_frames"]))
    np.testing.assert_allclose(frames["timestamp"], frames["frame_index"] / 20.0, atol=1e-6)
    assert np.all(np.abs(frames["action"][:, :3]) <= 0.05 + 1e-7) and np.all(np.abs(frames["action"][:, 6]) <= 1)


def test_tasks_and_episodes_tables_read_as_lerobot_reads_them(small_demos):
    tasks = pd.read_parquet(small_demos / "meta/tasks.parquet")
    assert tasks.index.name == "task" and list(tasks.columns) == ["task_index"]
    episodes = pd.read_parquet(small_demos / "meta/episodes/chunk-000/file-000.parquet")
    assert set(episodes.columns) >= LEROBOT_EPISODE_COLUMNS
    for key in ("observation.images.front", "observation.images.wrist"):
        assert {f"videos/{key}/{c}" for c in ("chunk_index", "file_index", "from_timestamp", "to_timestamp")} <= set(
            episodes.columns
        )
    for instruction in (t[0] for t in episodes["tasks"]):
        assert instruction in tasks.index  # the task string is the episode's instruction
    lengths = episodes["dataset_to_index"] - episodes["dataset_from_index"]
    assert list(lengths) == list(episodes["length"])


def test_video_timestamps_locate_every_episode_frame(small_demos):
    dataset = LeRobotDataset(small_demos)
    path = small_demos / "videos/observation.images.front/chunk-000/file-000.mp4"
    times = frame_times(path)
    assert len(times) == len(read_video(path)) == dataset.info["total_frames"]
    for episode in dataset.episodes:
        key = "videos/observation.images.front"
        start = episode[f"{key}/from_timestamp"]
        rows = slice(episode["dataset_from_index"], episode["dataset_to_index"])
        expected = start + dataset.frames["timestamp"][rows]  # LeRobot decodes the frame at from_timestamp + t
        np.testing.assert_allclose(times[rows], expected, atol=1e-4)
        assert episode[f"{key}/to_timestamp"] == pytest.approx(start + episode["length"] / 20)


def test_statistics_hold_every_lerobot_field_and_match_the_data(small_demos):
    stats = json.loads((small_demos / "meta/stats.json").read_text())
    dataset = LeRobotDataset(small_demos)
    for feature in ("observation.state", "action", "observation.images.front", "timestamp", "index"):
        assert {"min", "max", "mean", "std", "count", *QUANTILE_KEYS} <= set(stats[feature]), feature
    actions = dataset.frames["action"]
    np.testing.assert_allclose(stats["action"]["mean"], actions.mean(0), atol=1e-5)
    np.testing.assert_allclose(stats["action"]["min"], actions.min(0), atol=1e-7)
    np.testing.assert_allclose(stats["action"]["std"], actions.std(0), atol=1e-5)
    assert stats["action"]["count"] == [len(actions)]
    image = np.array(stats["observation.images.front"]["mean"])
    assert image.shape == (3, 1, 1) and np.all((image > 0) & (image < 1))


def test_each_demo_replays_exactly_from_its_episode_config(small_demos):
    dataset = LeRobotDataset(small_demos)
    episode = dataset.episodes[1]
    config = EpisodeConfig.from_json(episode["arena/episode_config"])
    assert config.config_hash == episode["arena/config_hash"]
    env = gym.make("Arena-CloseLaptopLid", obs_mode="state")
    try:
        obs, _ = env.reset(options={"episode_config": config})
        rows = slice(episode["dataset_from_index"], episode["dataset_to_index"])
        np.testing.assert_allclose(obs["state"], dataset.frames["observation.state"][rows][0], atol=1e-6)
        assert obs["instruction"] == episode["tasks"][0]
        for action in dataset.frames["action"][rows]:
            obs, _, terminated, _, info = env.step(action)
        assert terminated and info["success"]  # the recorded actions, replayed open loop, succeed again
    finally:
        env.close()


def test_cells_take_their_first_successful_attempts():
    assert cell_episodes({0: True, 1: False, 2: True}, 2) == [0, 2]
    assert cell_episodes({0: True, 2: True}, 2) is None  # attempt 1 (a killed run) must be played first
    assert cell_episodes({0: True, 1: False}, 2) is None
    assert pending_attempts({0: True, 1: False}, 2) == [2]
    assert pending_attempts({0: True, 2: True}, 2) == [1]
    assert pending_attempts({}, 3) == [0, 1, 2]


def test_a_failed_expert_seed_is_logged_and_skipped(tmp_path, monkeypatch, capsys):
    real = demos_module.play_demo
    failing = demos_module.demo_seed("CloseLaptopLid", "None", 0)

    def flaky(env, policy, seed):
        success, record = real(env, policy, seed)
        return (False, record) if seed == failing else (success, record)

    monkeypatch.setattr(demos_module, "play_demo", flaky)
    out = record_demos(["CloseLaptopLid"], ["None"], 1, tmp_path / "d", cameras=("front",), image_size=32)
    episodes = LeRobotDataset(out).episodes
    assert [e["arena/attempt"] for e in episodes] == [1]
    skipped = json.loads((out / "meta/arena.json").read_text())["skipped"]
    assert [(s["attempt"], s["seed"]) for s in skipped] == [(0, failing)]
    assert f"seed {failing}" in capsys.readouterr().err


def test_perturbed_demos_use_train_textures_only(tmp_path):
    out = record_demos(["CloseLaptopLid"], ["TableTexture"], 1, tmp_path / "d", cameras=("front",), image_size=32)
    config = EpisodeConfig.from_json(LeRobotDataset(out).episodes[0]["arena/episode_config"])
    texture = config.perturbations["TableTexture"]["table"]
    assert texture in split_indices("train") and texture not in split_indices("test")


def test_bad_requests_are_refused_with_clear_errors(tmp_path, small_demos):
    with pytest.raises(DemoError, match="unknown camera.*valid"):
        record_demos(["CloseLaptopLid"], ["None"], 1, tmp_path / "a", cameras=("top",))
    with pytest.raises(DemoError, match="even image side"):
        record_demos(["CloseLaptopLid"], ["None"], 1, tmp_path / "b", image_size=33)
    with pytest.raises(DemoError, match="another request"):
        record_demos(["CloseLaptopLid"], ["None"], 3, small_demos, cameras=("front", "wrist"), image_size=64)
    same = {k: v for k, v in SMALL_DEMOS.items()}
    before = dataset_hash(small_demos)
    assert record_demos(out=small_demos, progress=False, **same) == small_demos  # finished: nothing to do
    assert dataset_hash(small_demos) == before


@pytest.mark.slow
def test_a_killed_recording_resumes_to_the_same_dataset(tmp_path, small_demos):
    out = tmp_path / "killed"
    arguments = "demos --tasks CloseLaptopLid --axes None --episodes 2 --cameras front,wrist --size 64 --workers 0"
    command = [sys.executable, "-m", "arena.cli", *arguments.split(), "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    staged = out / ".arena-staging" / "CloseLaptopLid" / "None" / "00000.npz"
    deadline = time.time() + 120
    while not staged.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert staged.exists() and not (out / "meta" / "info.json").exists()
    subprocess.run(command, check=True, capture_output=True)
    assert not (out / ".arena-staging").exists()
    # Same command, same dataset: the resumed recording equals the one recorded in one go, byte for byte, with each
    # attempt once (attempts 0 and 1, the first of them from before the kill).
    assert dataset_hash(out) == dataset_hash(small_demos)
    assert [e["arena/attempt"] for e in LeRobotDataset(out).episodes] == [0, 1]


def test_the_dataset_hash_ignores_the_feature_cache(small_demos):
    before = dataset_hash(small_demos)
    cache = small_demos / ".arena-cache" / "probe.npy"
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(b"features")
    assert dataset_hash(small_demos) == before
    cache.unlink()
