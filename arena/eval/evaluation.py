"""Evaluation: run a policy over a task x axis grid of protocol episodes and append crash-safe results."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gymnasium as gym
from tqdm import tqdm

from arena.errors import ArenaError
from arena.eval.policies import build_policy, env_kwargs, resolve_policy
from arena.eval.protocol import EpisodeKey, episode_grid
from arena.eval.results import RESULTS_FILE, ResultsWriter, result_key
from arena.eval.runner import EpisodeRunner, RunSettings, run_episode
from arena.registration import env_id
from arena.spec.axes import axis_applies
from arena.spec.episode import PROTOCOL_VERSION
from arena.spec.task import load_task

BACKENDS = ("local", "ray")
__all__ = ["BACKENDS", "check_policy", "evaluate", "run_episode"]


def applicable_grid(tasks: list[str], axes: list[str], episodes: int, policy: str) -> list[EpisodeKey]:
    """The protocol episodes of a grid, without cells whose axis does not apply to the task (reported n/a)."""
    return [k for k in episode_grid(tasks, axes, episodes, policy) if axis_applies(k.axis, load_task(k.task))]


def check_policy(policy_name: str, task: str, obs_mode: str | None = None) -> dict[str, Any]:
    """Load and build the policy once on ``task`` before any worker starts; return the env settings it needs
    (observation mode, and the cameras and image size where the policy declares them).

    An unknown name, an entry point that does not import or a factory that fails (a checkpoint that does not
    load, a server that does not answer) raises one :class:`~arena.errors.ArenaError` before anything is recorded.
    """
    kwargs = env_kwargs(resolve_policy(policy_name), obs_mode)
    env = gym.make(env_id(task), **kwargs)
    try:
        build_policy(policy_name, env)
    finally:
        env.close()
    return kwargs


def _check_resumable(writer: ResultsWriter, policy: str) -> None:
    for record in writer.records:
        if record.get("protocol") != PROTOCOL_VERSION:
            raise ArenaError(
                f"{writer.path} holds episodes of protocol {record.get('protocol')!r}, not {PROTOCOL_VERSION!r}; "
                "write to another --out folder"
            )
        if record.get("policy") != policy:
            raise ArenaError(
                f"{writer.path} holds episodes of policy {record.get('policy')!r}, not {policy!r}; "
                "resume with the same --policy or write to another --out folder"
            )


def evaluate(
    policy_name: str,
    tasks: list[str],
    axes: list[str],
    episodes: int,
    out_dir: str | Path,
    *,
    workers: int = 0,
    backend: str = "local",
    ray_address: str | None = None,
    videos: int = 0,
    obs_mode: str | None = None,
    max_steps: int | None = None,
    step_timeout: float = 60.0,
    progress: bool = True,
) -> Path:
    """Run the grid and append results to ``out_dir/results.jsonl``; finished episodes are skipped.

    Args:
        workers: Local worker processes; 0 plays episodes in this process (no timeout or crash isolation).
        backend: ``local`` or ``ray``.
        ray_address: Ray cluster address (``auto``, ``host:port``); None starts a local Ray instance.
        videos: Record the first N episodes of each cell; -1 records failures only.
        obs_mode: Observations the envs produce; None takes what the policy declares.
        step_timeout: Seconds a policy step may take before the episode is recorded as a timeout (local
            workers; Ray enforces a per-episode limit instead).
    """
    if backend not in BACKENDS:
        raise ArenaError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ArenaError(f"--out {out_dir} is a file; give a folder for results.jsonl and the report")
    grid = applicable_grid(tasks, axes, episodes, policy_name)
    if not grid:
        raise ArenaError(
            f"nothing to evaluate: no axis of {', '.join(axes) or '(none)'} applies to {', '.join(tasks) or '(none)'}; "
            "see arena tasks -v for each task's axes"
        )
    env_settings = check_policy(policy_name, tasks[0], obs_mode)
    writer = ResultsWriter(out_dir / RESULTS_FILE)
    _check_resumable(writer, policy_name)
    keys = writer.pending(grid)
    settings = RunSettings(policy=policy_name, out_dir=str(out_dir), max_steps=max_steps, video=videos, **env_settings)
    bar = tqdm(total=len(keys), disable=not progress, unit="ep", desc=f"{policy_name}", dynamic_ncols=True)
    tally = {"done": 0, "success": 0, "start": time.perf_counter()}

    def on_record(record: dict[str, Any]) -> None:
        if result_key(record) in writer.done:
            return  # a retried episode whose first result also arrived
        writer.write(record)
        tally["done"] += 1
        tally["success"] += bool(record["success"])
        minutes = (time.perf_counter() - tally["start"]) / 60
        bar.update(1)
        bar.set_postfix(success=f"{tally['success'] / tally['done']:.0%}", ep_per_min=f"{tally['done'] / minutes:.0f}")

    try:
        if backend == "ray":
            from arena.eval.ray_backend import run_ray

            run_ray(keys, settings, on_record, address=ray_address, num_cpus=workers or None)
        elif workers == 0:
            runner = EpisodeRunner(settings)
            try:
                for key in keys:
                    on_record(runner.run(key))
            finally:
                runner.close()
        else:
            from arena.eval.local_backend import LocalPool

            pool = LocalPool(settings, min(workers, max(1, len(keys))), step_timeout)
            try:
                pool.run(keys, on_record)
            finally:
                pool.close()
    finally:
        bar.close()
    return writer.path
