"""``arena demos``: scripted-expert demonstrations recorded as a LeRobot v3.0 dataset.

Each (task, axis) cell gets ``episodes`` successful expert episodes. Attempt ``i`` of a cell plays the seed
:func:`demo_seed` ``(task, axis, i)`` (a stream apart from the evaluation protocol's seeds); an attempt the expert
fails is logged and skipped, and the cell's episodes are its first ``episodes`` successful attempts, so the dataset
is the same whatever the worker count or the order attempts finish in.

Attempts are recorded into ``OUT/.arena-staging/`` (one ``.npz`` of states and actions plus one MP4 per camera,
the ``.npz`` written last as the attempt's completion mark). A killed run resumes from what is staged; nothing is
recorded twice. When every cell is complete the dataset is assembled from the staging folder (videos joined without
re-encoding), checked, and the staging folder removed. Perturbed cells (any axis but None) draw textures from the
*train* split only: the held-out test textures never appear in demonstrations.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from arena.data import lerobot
from arena.data.video import concat_videos, encode_video
from arena.errors import ArenaError

STAGING = ".arena-staging"
REQUEST_FILE = "request.json"
ARENA_META_PATH = "meta/arena.json"
ROBOT_TYPE = "franka_panda"
#: An attempt budget per cell: the expert succeeds on 96-100% of episodes, so this many failures means a broken cell.
MAX_FAILURE_FRACTION = 0.5
#: Frames per episode sampled for the image statistics (LeRobot samples too).
STATS_FRAMES = 40


class DemoError(ArenaError, RuntimeError):
    """Demonstrations that cannot be recorded as asked: the message says which cell or file and why."""


@dataclass(frozen=True)
class DemoRequest:
    """What ``arena demos`` records; a resumed run must ask for the same."""

    tasks: tuple[str, ...]
    axes: tuple[str, ...]
    episodes: int
    cameras: tuple[str, ...]
    image_size: int

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def demo_seed(task: str, axis: str, attempt: int) -> int:
    """Seed of a cell's demonstration attempt: a hash apart from the evaluation seeds, in [0, 2**31)."""
    digest = hashlib.sha256(f"arena-demos/{task}/{axis}/{attempt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


# ------------------------------------------------------------------------------------------------ recording
_ENVS: dict[tuple[str, str], tuple[Any, Any]] = {}


def _env_and_expert(request: DemoRequest, task: str, axis: str) -> tuple[Any, Any]:
    """The worker's env and expert for a cell, built once per process."""
    if (task, axis) not in _ENVS:
        import gymnasium as gym

        import arena  # noqa: F401 - registers the ids
        from arena.eval.policies import build_policy
        from arena.registration import env_id

        env = gym.make(
            env_id(task, axis), cameras=request.cameras, image_size=request.image_size, texture_split="train"
        )
        _ENVS[(task, axis)] = (env, build_policy("expert", env))
    return _ENVS[(task, axis)]


def _attempt_stem(staging: Path, task: str, axis: str, attempt: int) -> Path:
    return staging / task / axis / f"{attempt:05d}"


def play_demo(env: Any, policy: Any, seed: int) -> tuple[bool, dict[str, Any]]:
    """One expert episode with every observation the policy saw and every action it took (clipped to the space)."""
    obs, info = env.reset(seed=seed)
    cameras = env.unwrapped.cameras
    low, high = env.action_space.low, env.action_space.high
    record: dict[str, Any] = {"state": [], "action": [], **{c: [] for c in cameras}}
    policy.reset(obs["instruction"], seed)
    limit = env.unwrapped.max_episode_steps
    success, done = False, False
    while not done:
        actions = np.asarray(policy.act(obs), dtype=np.float64)
        for action in actions if actions.ndim == 2 else actions[None]:
            record["state"].append(obs["state"])
            for camera in cameras:
                record[camera].append(obs[f"images/{camera}"])
            record["action"].append(np.clip(action, low, high).astype(np.float32))
            obs, _, terminated, truncated, info = env.step(action)
            success = bool(info["success"])
            done = terminated or truncated or len(record["action"]) >= limit
            if done:
                break
    record["instruction"] = obs["instruction"]
    record["episode_config"] = info["episode_config"]
    return success, record


def record_attempt(request: DemoRequest, staging: Path, task: str, axis: str, attempt: int) -> dict[str, Any]:
    """Play and stage one attempt; return its summary (the heavy data goes to the staging folder)."""
    env, policy = _env_and_expert(request, task, axis)
    seed = demo_seed(task, axis, attempt)
    stem = _attempt_stem(staging, task, axis, attempt)
    stem.parent.mkdir(parents=True, exist_ok=True)
    try:
        success, record = play_demo(env, policy, seed)
        error = None
    except Exception as exc:  # a crashed expert episode is a recorded failure, never a lost run
        success, record, error = False, None, f"{type(exc).__name__}: {exc}"
    summary = {"task": task, "axis": axis, "attempt": attempt, "seed": seed, "success": success, "error": error}
    if not success:
        summary["steps"] = len(record["action"]) if record else 0
        _write_json_atomic(stem.with_suffix(".failed.json"), summary)
        return summary
    fps = int(env.metadata["render_fps"])
    image_stats = {}
    for camera in request.cameras:
        frames = np.stack(record[camera])
        encode_video(frames, stem.with_suffix(f".{camera}.mp4"), fps)
        sample = frames[np.linspace(0, len(frames) - 1, min(STATS_FRAMES, len(frames))).astype(int)]
        image_stats[camera] = {k: v.tolist() for k, v in lerobot.image_stats(sample).items()}
    config = record["episode_config"]
    meta = {
        **summary, "length": len(record["action"]), "instruction": record["instruction"],
        "episode_config": config.to_json(), "config_hash": config.config_hash, "image_stats": image_stats,
    }  # fmt: skip
    temporary = stem.with_suffix(".partial.npz")
    with open(temporary, "wb") as handle:
        np.savez(handle, state=np.stack(record["state"]).astype(np.float32), action=np.stack(record["action"]),
                 meta=np.array(json.dumps(meta)))  # fmt: skip
    temporary.replace(stem.with_suffix(".npz"))
    summary["steps"] = meta["length"]
    return summary


def _write_json_atomic(path: Path, content: Any) -> None:
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(json.dumps(content, indent=1))
    temporary.replace(path)


def _worker_job(job: tuple[DemoRequest, str, str, str, int]) -> dict[str, Any]:
    request, staging, task, axis, attempt = job
    return record_attempt(request, Path(staging), task, axis, attempt)


def _worker_init() -> None:
    """Workers keep to one thread each (the renderer and numpy would otherwise fight over the cores)."""
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")


# ------------------------------------------------------------------------------------------------ scheduling
def staged_attempts(staging: Path, task: str, axis: str) -> dict[int, bool]:
    """Attempts of a cell already staged: attempt -> success."""
    folder = staging / task / axis
    done: dict[int, bool] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            stem, _, suffix = path.name.partition(".")
            if suffix in ("npz", "failed.json") and stem.isdigit():
                done[int(stem)] = suffix == "npz"
    return done


def cell_episodes(done: dict[int, bool], episodes: int) -> list[int] | None:
    """The attempts that make a cell's episodes (its first ``episodes`` successes), or None while undecided."""
    chosen: list[int] = []
    for attempt in range(max(done, default=-1) + 1):
        if attempt not in done:
            return None  # a hole (a killed run): the attempt before later successes must be played first
        if done[attempt]:
            chosen.append(attempt)
            if len(chosen) == episodes:
                return chosen
    return None


def pending_attempts(done: dict[int, bool], episodes: int) -> list[int]:
    """Attempts still to play for a cell: every hole below the last one needed, assuming the rest succeed."""
    failures = sum(1 for ok in done.values() if not ok)
    return [a for a in range(episodes + failures) if a not in done]


def _request_check(out: Path, request: DemoRequest) -> Path:
    staging = out / STAGING
    info = out / lerobot.INFO_PATH
    if info.exists() and not staging.exists():
        arena_meta = out / ARENA_META_PATH
        previous = json.loads(arena_meta.read_text()).get("request") if arena_meta.exists() else None
        if previous == request.to_json():
            return staging
        raise DemoError(f"{out} already holds a finished dataset of another request; choose another --out folder")
    staging.mkdir(parents=True, exist_ok=True)
    request_path = staging / REQUEST_FILE
    if request_path.exists():
        previous = json.loads(request_path.read_text())
        if previous != request.to_json():
            changed = sorted(k for k in previous if previous[k] != request.to_json().get(k))
            raise DemoError(
                f"{out} holds a partial recording of another request (differs in {', '.join(changed)}); "
                "resume with the same arguments or choose another --out folder"
            )
    else:
        _write_json_atomic(request_path, request.to_json())
    return staging


def record_demos(
    tasks: Sequence[str],
    axes: Sequence[str],
    episodes: int,
    out: str | Path,
    cameras: Sequence[str] = ("front", "wrist"),
    image_size: int = 128,
    workers: int = 0,
    progress: bool = True,
) -> Path:
    """Record (or resume) a demonstration dataset in ``out``; return its folder once assembled."""
    from arena.spec.axes import axis_applies
    from arena.spec.cameras import CAMERAS
    from arena.spec.task import load_task

    bad = [c for c in cameras if c not in CAMERAS]
    if bad:
        raise DemoError(f"unknown camera(s) {bad}; valid: {', '.join(CAMERAS)}")
    if image_size % 2:
        raise DemoError(f"--size {image_size}: videos need an even image side")
    cells = [(t, a) for t in tasks for a in axes if axis_applies(a, load_task(t))]
    if not cells:
        raise DemoError(f"no axis of {', '.join(axes)} applies to {', '.join(tasks)}; see arena tasks -v")
    out = Path(out)
    request = DemoRequest(tuple(tasks), tuple(axes), int(episodes), tuple(cameras), int(image_size))
    staging = _request_check(out, request)
    if not staging.exists():
        return out  # already finished
    bar = tqdm(total=len(cells) * episodes, unit="demo", desc="demos", disable=not progress, dynamic_ncols=True)
    pool = mp.get_context("spawn").Pool(workers, initializer=_worker_init) if workers > 0 else None
    try:
        limit = int(episodes / (1 - MAX_FAILURE_FRACTION)) + 2
        while True:
            jobs, recorded = [], 0
            for task, axis in cells:
                done = staged_attempts(staging, task, axis)  # one folder scan per cell and round
                recorded += min(episodes, sum(done.values()))
                if cell_episodes(done, episodes) is not None:
                    continue
                if len(done) > limit:
                    failed = sum(1 for ok in done.values() if not ok)
                    raise DemoError(
                        f"the expert failed {failed} of {len(done)} attempts on {task}/{axis}; "
                        "check that cell with arena rollout before recording demonstrations"
                    )
                jobs += [(request, str(staging), task, axis, a) for a in pending_attempts(done, episodes)]
            bar.n = recorded
            bar.refresh()
            if not jobs:
                break
            results = pool.imap(_worker_job, jobs) if pool else map(_worker_job, jobs)
            for summary in results:
                if summary["success"]:
                    bar.update(1)
                else:
                    bar.write(
                        f"arena demos: expert failed {summary['task']}/{summary['axis']} seed {summary['seed']} "
                        f"(attempt {summary['attempt']}{', ' + summary['error'] if summary['error'] else ''}); "
                        "skipped",
                        file=sys.stderr,
                    )
    finally:
        bar.close()
        if pool:
            pool.close()
            pool.join()
    assemble(out, request, cells)
    shutil.rmtree(staging)
    return out


# ------------------------------------------------------------------------------------------------ assembly
def _staged_episodes(staging: Path, request: DemoRequest, cells: Sequence[tuple[str, str]]) -> Iterator[dict]:
    for task, axis in cells:
        chosen = cell_episodes(staged_attempts(staging, task, axis), request.episodes)
        if chosen is None:
            raise DemoError(f"{task}/{axis} is not fully recorded in {staging}")
        for attempt in chosen:
            stem = _attempt_stem(staging, task, axis, attempt)
            with np.load(stem.with_suffix(".npz"), allow_pickle=False) as arrays:
                meta = json.loads(str(arrays["meta"]))
                yield {"stem": stem, "state": arrays["state"], "action": arrays["action"], **meta}


def features(cameras: Sequence[str], image_size: int, fps: int) -> dict[str, Any]:
    """The dataset's features: one video per camera, the state and action vectors, LeRobot's index columns."""
    from arena.env import STATE_LAYOUT

    state_names = [f"{name}_{i}" if size > 1 else name for name, size in STATE_LAYOUT for i in range(size)]
    action_names = ["dx", "dy", "dz", "rx", "ry", "rz", "gripper"]
    out: dict[str, Any] = {lerobot.image_key(c): lerobot.video_feature(image_size, image_size, fps) for c in cameras}
    out["observation.state"] = {"dtype": "float32", "shape": [len(state_names)], "names": state_names}
    out["action"] = {"dtype": "float32", "shape": [len(action_names)], "names": action_names}
    return out | lerobot.INDEX_FEATURES


def assemble(out: Path, request: DemoRequest, cells: Sequence[tuple[str, str]]) -> None:
    """Write the LeRobot v3.0 dataset from the staged attempts (deterministic: same staging, same bytes)."""
    import arena
    from arena.env import ArenaEnv

    fps = int(ArenaEnv.metadata["render_fps"])
    staging = out / STAGING
    feats = features(request.cameras, request.image_size, fps)
    tasks: dict[str, int] = {}
    columns: dict[str, list[np.ndarray]] = {name: [] for name in feats if feats[name]["dtype"] != "video"}
    rows: list[dict[str, Any]] = []
    videos: dict[str, list[Path]] = {c: [] for c in request.cameras}
    all_stats: list[dict[str, dict[str, np.ndarray]]] = []
    total = 0
    for index, episode in enumerate(_staged_episodes(staging, request, cells)):
        length = int(episode["length"])
        task_index = tasks.setdefault(episode["instruction"], len(tasks))
        frame_index = np.arange(length)
        episode_columns = {
            "observation.state": episode["state"], "action": episode["action"],
            "timestamp": (frame_index / fps).astype(np.float32), "frame_index": frame_index,
            "episode_index": np.full(length, index), "index": total + frame_index,
            "task_index": np.full(length, task_index),
        }  # fmt: skip
        for name, values in episode_columns.items():
            columns[name].append(values)
        stats = {name: lerobot.vector_stats(values) for name, values in episode_columns.items()}
        for camera in request.cameras:
            stats[lerobot.image_key(camera)] = {k: np.asarray(v) for k, v in episode["image_stats"][camera].items()}
            videos[camera].append(episode["stem"].with_suffix(f".{camera}.mp4"))
        all_stats.append(stats)
        start = total / fps
        row: dict[str, Any] = {
            "episode_index": index, "tasks": [episode["instruction"]], "length": length,
            "data/chunk_index": 0, "data/file_index": 0,
            "dataset_from_index": total, "dataset_to_index": total + length,
        }  # fmt: skip
        for camera in request.cameras:
            key = lerobot.image_key(camera)
            row |= {f"videos/{key}/chunk_index": 0, f"videos/{key}/file_index": 0}
            row |= {f"videos/{key}/from_timestamp": start, f"videos/{key}/to_timestamp": start + length / fps}
        for feature, feature_stats in stats.items():
            row |= {f"stats/{feature}/{k}": np.asarray(v).tolist() for k, v in feature_stats.items()}
        row |= {
            "meta/episodes/chunk_index": 0, "meta/episodes/file_index": 0,
            "arena/task": episode["task"], "arena/axis": episode["axis"], "arena/seed": episode["seed"],
            "arena/attempt": episode["attempt"], "arena/config_hash": episode["config_hash"],
            "arena/episode_config": episode["episode_config"],
        }  # fmt: skip
        rows.append(row)
        total += length
    frames = {name: np.concatenate(values) for name, values in columns.items()}
    lerobot.write_frames_table(out / lerobot.DATA_PATH.format(chunk_index=0, file_index=0), frames, feats)
    for camera, parts in videos.items():
        key = lerobot.image_key(camera)
        concat_videos(parts, out / lerobot.VIDEO_PATH.format(video_key=key, chunk_index=0, file_index=0))
    lerobot.write_rows_table(out / lerobot.EPISODES_PATH.format(chunk_index=0, file_index=0), rows)
    lerobot.write_tasks_table(out / lerobot.TASKS_PATH, list(tasks))
    stats = {name: lerobot.aggregate_stats([s[name] for s in all_stats]) for name in all_stats[0]}
    lerobot.write_json(out / lerobot.STATS_PATH, lerobot.stats_to_json(stats))
    lerobot.write_json(out / lerobot.INFO_PATH, lerobot.info_json(feats, fps, len(rows), total, len(tasks), ROBOT_TYPE))
    skipped = [
        json.loads(p.read_text()) for t, a in cells for p in sorted((staging / t / a).glob("*.failed.json"))
    ]  # fmt: skip
    lerobot.write_json(
        out / ARENA_META_PATH,
        {"arena_version": arena.__version__, "request": request.to_json(), "texture_split": "train",
         "skipped": [{k: s[k] for k in ("task", "axis", "attempt", "seed", "error")} for s in skipped]},
    )  # fmt: skip


def dataset_hash(root: str | Path) -> str:
    """SHA-256 over a dataset's files (relative paths and bytes; hidden folders such as the staging folder and the
    feature cache excluded): equal hashes, equal datasets."""
    root = Path(root)
    digest = hashlib.sha256()
    files = (p for p in root.rglob("*") if p.is_file())
    for path in sorted(p for p in files if not any(part.startswith(".") for part in p.relative_to(root).parts)):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
