"""Running policies on episodes and grids of episodes (local, sequential backend)."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gymnasium as gym
import imageio.v2 as imageio
import numpy as np
from tqdm import tqdm

from arena.episode import PROTOCOL_VERSION
from arena.perturbations import axis_applies
from arena.policies.registry import make_policy
from arena.protocol import EpisodeKey, episode_grid
from arena.registration import env_id
from arena.results import ResultsWriter
from arena.task_spec import load_task


def run_episode(
    env: gym.Env,
    policy: Any,
    seed: int,
    max_steps: int | None = None,
    frame_camera: str | None = None,
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Play one episode; policy errors and invalid actions end it as a recorded failure, never a crash.

    Returns the outcome (success, steps, error, config) and, with ``frame_camera``, one RGB frame per step.
    """
    obs, info = env.reset(seed=seed)
    config = info["episode_config"]
    frames: list[np.ndarray] = []
    capture: Callable[[], None] = (
        (lambda: frames.append(env.unwrapped.render_camera(frame_camera))) if frame_camera else (lambda: None)
    )
    capture()
    limit = max_steps or env.unwrapped.max_episode_steps
    steps, success, error = 0, False, None
    try:
        policy.reset(obs["instruction"], seed)
        while steps < limit:
            actions = np.asarray(policy.act(obs), dtype=np.float64)
            chunk = actions if actions.ndim == 2 else actions[None]
            done = False
            for action in chunk:
                obs, _, terminated, truncated, info = env.step(action)
                steps += 1
                capture()
                success = bool(info["success"])
                if info.get("sim_unstable"):
                    error = "simulation became unstable"
                done = terminated or truncated or steps >= limit
                if done:
                    break
            if done:
                break
    except Exception as exc:  # a failing policy is data, not a crash
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    return {"success": success, "steps": steps, "error": error, "episode_config": config}, frames


def evaluate(
    policy_name: str,
    tasks: list[str],
    axes: list[str],
    episodes: int,
    out_dir: str | Path,
    videos: int = 0,
    obs_mode: str = "state",
    max_steps: int | None = None,
    progress: bool = True,
) -> Path:
    """Run the grid and append results to ``out_dir/results.jsonl``; finished episodes are skipped."""
    out_dir = Path(out_dir)
    writer = ResultsWriter(out_dir / "results.jsonl")
    grid = [k for k in episode_grid(tasks, axes, episodes, policy_name) if axis_applies(k.axis, load_task(k.task))]
    keys = writer.pending(grid)  # not-applicable cells are skipped here and shown as n/a in reports
    bar = tqdm(total=len(keys), disable=not progress, unit="ep", desc="evaluating")
    successes = finished = 0
    envs: dict[tuple[str, str], tuple[gym.Env, Any]] = {}
    try:
        for key in keys:
            if (key.task, key.axis) not in envs:
                env = gym.make(env_id(key.task, key.axis), obs_mode=obs_mode, cameras=("front", "wrist"))
                envs[(key.task, key.axis)] = (env, make_policy(policy_name, env))
            env, policy = envs[(key.task, key.axis)]
            record = _run_key(env, policy, key, out_dir, key.index < videos, max_steps)
            writer.write(record)
            successes += record["success"]
            finished += 1
            bar.update(1)
            bar.set_postfix(success=f"{successes / finished:.0%}")
    finally:
        bar.close()
        for env, _ in envs.values():
            env.close()
    return writer.path


def _run_key(env: gym.Env, policy: Any, key: EpisodeKey, out_dir: Path, video: bool, max_steps: int | None) -> dict:
    start = time.perf_counter()
    outcome, frames = run_episode(env, policy, key.seed, max_steps, frame_camera="front" if video else None)
    duration = time.perf_counter() - start
    video_path = None
    if frames:
        video_path = Path("videos") / f"{key.task}_{key.axis}_{key.index:03d}.mp4"
        (out_dir / video_path).parent.mkdir(parents=True, exist_ok=True)
        imageio.mimwrite(out_dir / video_path, frames, fps=env.metadata["render_fps"], macro_block_size=1)
    config = outcome["episode_config"]
    metadata = policy.metadata() if callable(getattr(policy, "metadata", None)) else {}
    return {
        "protocol": PROTOCOL_VERSION,
        "task": key.task,
        "axis": key.axis,
        "episode": key.index,
        "seed": key.seed,
        "config_hash": config.config_hash,
        "episode_config": config.to_dict(),
        "policy": key.policy,
        "policy_metadata": metadata,
        "success": outcome["success"],
        "steps": outcome["steps"],
        "duration_s": round(duration, 4),
        "error": outcome["error"],
        "video": str(video_path) if video_path else None,
    }
