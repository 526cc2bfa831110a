"""Playing episodes: one episode with a policy (failures recorded, never raised), and a runner that keeps
environments and policies warm across the episodes of a grid. Every backend (in-process, local worker
processes, Ray actors) runs episodes through :class:`EpisodeRunner`, so they produce identical records."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import imageio.v2 as imageio
import numpy as np

from arena.eval.policies import build_policy, declared_obs_mode, resolve_policy
from arena.eval.protocol import EpisodeKey
from arena.eval.schema import make_record as _make_record
from arena.registration import env_id
from arena.spec.episode import PROTOCOL_VERSION
from arena.spec.task import load_task


def run_episode(
    env: gym.Env,
    policy: Any,
    seed: int,
    max_steps: int | None = None,
    frame_camera: str | None = None,
    heartbeat: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Play one episode; policy errors and invalid actions end it as a recorded failure, never a crash.

    Returns the outcome (success, steps, error, config) and, with ``frame_camera``, one RGB frame per step.
    ``heartbeat`` is called before every policy query (the local backend's per-step timeout watches it).
    Action chunks (arrays of shape (n, action_dim)) are executed step by step before the policy is asked again.
    """
    beat = heartbeat or (lambda: None)
    obs, info = env.reset(seed=seed)
    config = info["episode_config"]
    frames: list[np.ndarray] = []

    def capture() -> None:
        if frame_camera:
            frames.append(env.unwrapped.render_camera(frame_camera))

    capture()
    hold = getattr(env.unwrapped, "hold_images", lambda held: None)
    limit = max_steps or env.unwrapped.max_episode_steps
    steps, success, error = 0, False, None
    try:
        policy.reset(obs["instruction"], seed)
        while steps < limit:
            beat()
            actions = np.asarray(policy.act(obs), dtype=np.float64)
            chunk = actions if actions.ndim == 2 else actions[None]
            done = False
            for position, action in enumerate(chunk):
                # The policy looks only after the chunk's last action: the steps before it skip rendering.
                hold(position < len(chunk) - 1)
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
    finally:
        hold(False)
    return {"success": success, "steps": steps, "error": error, "episode_config": config}, frames


@dataclass(frozen=True)
class RunSettings:
    """How every episode of an evaluation is run (shared by all backends).

    Attributes:
        policy: Policy name (``expert``, ``random``) or ``module:factory`` entry point.
        out_dir: Evaluation folder (videos are written below it).
        obs_mode: Observation mode of the envs; None takes the one the policy declares.
        cameras: Cameras rendered for the policy.
        image_size: Image side in pixels.
        max_steps: Override of the task's episode length.
        video: Record the first ``video`` episodes of each cell; ``-1`` records failures only (by replaying them).
        video_camera: Camera the videos are taken from; None takes the task's ``video_camera``.
    """

    policy: str
    out_dir: str
    obs_mode: str | None = None
    cameras: tuple[str, ...] = ("front", "wrist")
    image_size: int = 128
    max_steps: int | None = None
    video: int = 0
    video_camera: str | None = None


def make_record(key: EpisodeKey, **outcome: Any) -> dict[str, Any]:
    """A result record (schema :data:`arena.eval.schema.RESULT_SCHEMA`): the key's fields plus the outcome."""
    return _make_record(
        protocol=PROTOCOL_VERSION, task=key.task, axis=key.axis, episode=key.index, seed=key.seed, policy=key.policy,
        **outcome,
    )  # fmt: skip


def error_record(key: EpisodeKey, error: str, duration: float = 0.0) -> dict[str, Any]:
    """A result record for an episode that could not be played (worker crash, timeout)."""
    return make_record(key, duration_s=round(duration, 4), error=error)


class EpisodeRunner:
    """Plays grid episodes, keeping one env and policy per (task, axis) alive between episodes."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self._envs: dict[tuple[str, str], tuple[gym.Env, Any]] = {}

    def _env(self, key: EpisodeKey) -> tuple[gym.Env, Any]:
        cell = (key.task, key.axis)
        if cell not in self._envs:
            obs_mode = self.settings.obs_mode or declared_obs_mode(resolve_policy(self.settings.policy))
            env = gym.make(
                env_id(key.task, key.axis),
                obs_mode=obs_mode,
                cameras=self.settings.cameras,
                image_size=self.settings.image_size,
            )
            self._envs[cell] = (env, build_policy(self.settings.policy, env))
        return self._envs[cell]

    def run(self, key: EpisodeKey, heartbeat: Callable[[], None] | None = None) -> dict[str, Any]:
        """Play one episode of the grid and return its result record."""
        start = time.perf_counter()
        env, policy = self._env(key)
        settings = self.settings
        record_video = settings.video > 0 and key.index < settings.video
        camera = settings.video_camera or load_task(key.task).video_camera
        outcome, frames = run_episode(
            env, policy, key.seed, settings.max_steps, camera if record_video else None, heartbeat
        )
        duration = time.perf_counter() - start
        if settings.video == -1 and not outcome["success"]:
            # Failures only: rendering every episode would cost more than the episodes themselves, so the
            # failed episode is replayed (same seed, same config) with the camera on. Deterministic policies
            # reproduce it exactly; the record says the video is a replay.
            _, frames = run_episode(env, policy, key.seed, settings.max_steps, camera, heartbeat)
        video_path = None
        if frames:
            video_path = Path("videos") / f"{key.task}_{key.axis}_{key.index:03d}.mp4"
            (Path(settings.out_dir) / video_path).parent.mkdir(parents=True, exist_ok=True)
            imageio.mimwrite(
                Path(settings.out_dir) / video_path, frames, fps=env.metadata["render_fps"], macro_block_size=1
            )
        config = outcome["episode_config"]
        metadata = policy.metadata() if callable(getattr(policy, "metadata", None)) else {}
        return make_record(
            key,
            config_hash=config.config_hash,
            episode_config=config.to_dict(),
            policy_metadata=metadata,
            success=outcome["success"],
            steps=outcome["steps"],
            duration_s=round(duration, 4),
            error=outcome["error"],
            video=str(video_path) if video_path else None,
            video_replayed=bool(video_path) and settings.video == -1,
        )

    def close(self) -> None:
        """Close every env."""
        for env, _ in self._envs.values():
            env.close()
        self._envs.clear()
