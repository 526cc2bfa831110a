"""Simulation-speed benchmark for one Arena task.

Measures, in one process:

* raw physics steps/s (``mujoco.mj_step`` on the env's own model/data) and the physics-bound env rate derived
  from it (physics steps/s divided by ``env.sim.n_substeps``);
* env steps/s with random actions for ``obs_mode="state"`` (no camera), one 128x128 camera (front) and all four
  128x128 cameras, each as a percentage of the physics-bound rate;
* mean ``reset()`` time over different seeds, without camera and with one camera;
* peak resident memory (``ru_maxrss``).

Run with ``MUJOCO_GL=egl python benchmarks/sim_speed.py [--task StackBlocks] [--steps 200] [--resets 10]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
import mujoco  # noqa: E402

import arena  # noqa: E402, F401  (registers the Arena-* ids)
from arena.spec.task import task_names  # noqa: E402

ALL_CAMERAS: tuple[str, ...] = ("front", "left_shoulder", "right_shoulder", "wrist")
IMAGE_SIZE = 128
FLOOR_STEPS_PER_S = 25.0  # required env steps/s with one 128x128 camera


@dataclass(frozen=True)
class EnvSetup:
    """One observation configuration to time."""

    label: str
    obs_mode: str
    cameras: tuple[str, ...]


SETUPS: tuple[EnvSetup, ...] = (
    EnvSetup("no camera (state)", "state", ()),
    EnvSetup(f"1 camera {IMAGE_SIZE}x{IMAGE_SIZE} (front)", "rgb", ("front",)),
    EnvSetup(f"4 cameras {IMAGE_SIZE}x{IMAGE_SIZE}", "rgb", ALL_CAMERAS),
)


def make_env(task: str, obs_mode: str, cameras: Sequence[str]) -> gym.Env:
    """Create the Arena env for ``task`` with the given observation configuration."""
    return gym.make(f"Arena-{task}", obs_mode=obs_mode, cameras=tuple(cameras), image_size=IMAGE_SIZE)


def physics_steps_per_s(env: gym.Env, n_steps: int) -> float:
    """Raw ``mujoco.mj_step`` rate on the env's model/data (after a reset), in physics steps per second."""
    env.reset(seed=0)
    model, data = env.unwrapped.model, env.unwrapped.data
    mujoco.mj_step(model, data)  # warm-up
    start = time.perf_counter()
    for _ in range(n_steps):
        mujoco.mj_step(model, data)
    return n_steps / (time.perf_counter() - start)


def env_steps_per_s(env: gym.Env, n_steps: int, seed: int = 0) -> float:
    """Env steps/s with random actions; only ``step()`` calls are timed (auto-resets are excluded)."""
    env.action_space.seed(seed)
    env.reset(seed=seed)
    env.step(env.action_space.sample())  # warm-up: creates the GL context on the first render
    elapsed = 0.0
    episode = 0
    for _ in range(n_steps):
        action = env.action_space.sample()
        start = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(action)
        elapsed += time.perf_counter() - start
        if terminated or truncated:
            episode += 1
            env.reset(seed=seed + episode)
    return n_steps / elapsed


def mean_reset_ms(env: gym.Env, n_resets: int) -> float:
    """Mean wall time of ``env.reset(seed=s)`` for seeds ``0..n_resets-1``, in milliseconds."""
    env.reset(seed=10_000)  # warm-up
    start = time.perf_counter()
    for seed in range(n_resets):
        env.reset(seed=seed)
    return 1000.0 * (time.perf_counter() - start) / n_resets


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024.0 * 1024.0) if sys.platform == "darwin" else rss / 1024.0


def print_row(label: str, value: str, note: str = "") -> None:
    """Print one table row: label, right-aligned value, optional note."""
    print(f"{label:<40} {value:>10}  {note}".rstrip())


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="StackBlocks", choices=task_names(), help="task (default: StackBlocks)")
    parser.add_argument("--steps", type=int, default=200, help="env steps timed per configuration (default: 200)")
    parser.add_argument("--resets", type=int, default=10, help="resets timed, one seed each (default: 10)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    args = parse_args(argv)
    wall_start = time.perf_counter()

    state_env = make_env(args.task, "state", ())
    n_substeps = int(state_env.unwrapped.sim.n_substeps)
    physics_rate = physics_steps_per_s(state_env, args.steps * n_substeps)
    bound_rate = physics_rate / n_substeps
    state_env.close()

    rates: dict[str, float] = {}
    reset_ms: dict[str, float] = {}
    for setup in SETUPS:
        env = make_env(args.task, setup.obs_mode, setup.cameras)
        rates[setup.label] = env_steps_per_s(env, args.steps)
        if len(setup.cameras) <= 1:  # pure reset cost, and the reset cost a one-camera vision user sees
            reset_ms[setup.label] = mean_reset_ms(env, args.resets)
        env.close()

    one_camera = rates[SETUPS[1].label]
    print(
        f"Arena sim speed: task={args.task}, steps={args.steps}, resets={args.resets}, "
        f"n_substeps={n_substeps}, MUJOCO_GL={os.environ.get('MUJOCO_GL')}"
    )
    print("-" * 100)
    print_row("raw physics steps/s (mj_step)", f"{physics_rate:.0f}")
    print_row("physics-bound env steps/s", f"{bound_rate:.1f}", f"(= physics steps/s / {n_substeps} substeps)")
    for label, rate in rates.items():
        print_row(f"env steps/s {label}", f"{rate:.1f}", f"(= {100.0 * rate / bound_rate:.1f}% of physics-bound rate)")
    for label, ms in reset_ms.items():
        print_row(f"reset ms {label}", f"{ms:.1f}", f"(mean over {args.resets} seeds)")
    print_row("peak memory MB (ru_maxrss)", f"{peak_rss_mb():.1f}")
    print("-" * 100)
    verdict = "MET" if one_camera >= FLOOR_STEPS_PER_S else "NOT MET"
    print(
        f"floor >= {FLOOR_STEPS_PER_S:.0f} env steps/s with one {IMAGE_SIZE}x{IMAGE_SIZE} camera: {verdict} "
        f"({one_camera:.1f} steps/s)"
    )
    print(f"total benchmark wall time: {time.perf_counter() - wall_start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
