"""Training arrays from a LeRobot v3.0 demonstration dataset: states, action chunks, instructions, and the frozen
image encoder's features (computed once per episode and camera, cached in ``DATASET/.arena-cache/``)."""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from arena.data.lerobot import LeRobotDataset
from arena.policies.learned.config import CheckpointError
from arena.policies.learned.networks import state_features

CACHE_DIR = ".arena-cache"
ENCODER_NAME = "efficientnet-lite0"


@dataclass
class DemoArrays:
    """One row per training frame."""

    episodes: list[dict]  #: the selected episodes' metadata rows
    state: np.ndarray  #: (N, 17) network state features
    chunks: np.ndarray  #: (N, chunk, 7) the actions from this frame on
    mask: np.ndarray  #: (N, chunk) False where the chunk runs past the episode's end
    instruction: np.ndarray  #: (N,) index into ``instructions``
    instructions: list[str]
    episode: np.ndarray  #: (N,) episode index of each frame


def select_episodes(dataset: LeRobotDataset, tasks: Sequence[str] | None, per_task: int | None = None) -> list[dict]:
    """The dataset's episodes of ``tasks`` (all when None), the first ``per_task`` of each task when given; an absent
    task is an error naming those present."""
    present = sorted({e.get("arena/task", "") for e in dataset.episodes})
    missing = [t for t in tasks or () if t not in present]
    if missing:
        raise CheckpointError(f"{dataset.root} has no episodes of {missing}; it holds {', '.join(present)}")
    chosen = [e for e in dataset.episodes if tasks is None or e.get("arena/task") in tasks]
    if per_task is None:
        return chosen
    counts: Counter[str] = Counter()
    kept = []
    for episode in chosen:
        if counts[episode.get("arena/task", "")] < per_task:
            counts[episode.get("arena/task", "")] += 1
            kept.append(episode)
    return kept


def demo_arrays(dataset: LeRobotDataset, episodes: Sequence[dict], chunk: int) -> DemoArrays:
    """States, action chunks and instructions of every frame of ``episodes``."""
    frames = dataset.frames
    states, chunks, masks, instruction_ids, episode_ids = [], [], [], [], []
    instructions: dict[str, int] = {}
    for episode in episodes:
        rows = slice(episode["dataset_from_index"], episode["dataset_to_index"])
        actions = frames["action"][rows]
        length = len(actions)
        offsets = np.arange(length)[:, None] + np.arange(chunk)[None]
        masks.append(offsets < length)
        chunks.append(actions[np.minimum(offsets, length - 1)])
        states.append(state_features(frames["observation.state"][rows]))
        instruction_ids.append(np.full(length, instructions.setdefault(episode["tasks"][0], len(instructions))))
        episode_ids.append(np.full(length, episode["episode_index"]))
    return DemoArrays(
        episodes=list(episodes), state=np.concatenate(states), chunks=np.concatenate(chunks).astype(np.float32),
        mask=np.concatenate(masks), instruction=np.concatenate(instruction_ids), instructions=list(instructions),
        episode=np.concatenate(episode_ids),
    )  # fmt: skip


def _cache_path(root: Path, camera: str, episode_index: int) -> Path:
    return root / CACHE_DIR / ENCODER_NAME / camera / f"{episode_index:06d}.npy"


def _encode_episodes(job: tuple[str, list[dict], str]) -> list[int]:
    """Worker: encode every frame of some episodes from one camera and cache them (float16 feature maps)."""
    from arena.policies.learned.encoders import image_encoder, set_single_thread

    root, episodes, camera = job
    set_single_thread()
    dataset, encoder = LeRobotDataset(Path(root)), image_encoder()
    for episode in episodes:
        frames = dataset.episode_frames(episode, camera)
        features = np.concatenate([encoder(frames[i : i + 64]).numpy() for i in range(0, len(frames), 64)])
        path = _cache_path(Path(root), camera, episode["episode_index"])
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial.npy")
        np.save(partial, features.astype(np.float16))
        partial.replace(path)
    return [e["episode_index"] for e in episodes]


def image_features(
    dataset: LeRobotDataset, episodes: Sequence[dict], cameras: Sequence[str], workers: int = 1, progress: bool = True
) -> np.ndarray:
    """(N, cameras, 1280, g, g) float16 EfficientNet-Lite0 features of every frame, encoding only uncached episodes."""
    todo = [(c, e) for c in cameras for e in episodes if not _cache_path(dataset.root, c, e["episode_index"]).exists()]
    if todo:
        jobs = []
        for camera in cameras:
            mine = [e for c, e in todo if c == camera]
            jobs += [(str(dataset.root), mine[i : i + 4], camera) for i in range(0, len(mine), 4)]
        bar = tqdm(total=len(todo), unit="episode", desc="encoding frames", disable=not progress, dynamic_ncols=True)
        if workers > 1:
            with mp.get_context("spawn").Pool(workers) as pool:
                for done in pool.imap_unordered(_encode_episodes, jobs):
                    bar.update(len(done))
        else:
            for job in jobs:
                bar.update(len(_encode_episodes(job)))
        bar.close()

    def cached(camera: str, episode: dict) -> np.ndarray:
        return np.load(_cache_path(dataset.root, camera, episode["episode_index"]), allow_pickle=False)

    per_camera = [np.concatenate([cached(c, e) for e in episodes]) for c in cameras]
    return np.stack(per_camera, axis=1)


def raw_images(dataset: LeRobotDataset, episodes: Sequence[dict], cameras: Sequence[str]) -> np.ndarray:
    """(N, cameras, H, W, 3) uint8 decoded frames of every frame of ``episodes``."""
    per_camera = [np.concatenate([dataset.episode_frames(e, c) for e in episodes]) for c in cameras]
    return np.stack(per_camera, axis=1)
