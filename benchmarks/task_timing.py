"""Per-task reset and physics cost, every task in one table.

For each task: the mean and max milliseconds of ``env.reset(seed=s)`` (``obs_mode="state"``, no camera) under
``None`` and under ``All`` (which rebuilds and recompiles the scene for its sizes and distractors), and the
milliseconds of physics per control step (the ``TaskSimulation.simulate`` call: 25 MuJoCo steps of 2 ms) while the
scripted expert plays, so contacts of a grasp, a fit or a stack are in the measurement. Each number is also given
as a ratio to ``StackBlocks`` measured in the same run. Verdicts against the targets: reset <= 150 ms, physics
<= 5 ms per control step. The three slowest tasks (by physics, then reset) are listed last. It is a report: the
exit code is always 0.

Run with ``MUJOCO_GL=egl python benchmarks/task_timing.py [--tasks StackCups] [--resets 10] [--episodes 2]``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

import arena  # noqa: E402, F401  (registers the Arena-* ids)
from arena.policies import ScriptedExpert  # noqa: E402
from arena.spec.task import task_names  # noqa: E402

BASELINE = "StackBlocks"
RESET_TARGET_MS = 150.0
PHYSICS_TARGET_MS = 5.0
WARMUP_SEED = 10_000  # seed of the untimed first reset


@dataclass
class TaskTiming:
    """Timings of one task, in milliseconds."""

    task: str
    reset_none_ms: float
    reset_none_max_ms: float
    reset_all_ms: float
    reset_all_max_ms: float
    physics_ms: float
    physics_max_ms: float

    @property
    def ok(self) -> bool:
        """Whether the task meets both targets (worst resets, mean physics per control step)."""
        return max(self.reset_none_max_ms, self.reset_all_max_ms) <= RESET_TARGET_MS and (
            self.physics_ms <= PHYSICS_TARGET_MS
        )


def time_resets(env_id: str, resets: int) -> tuple[float, float]:
    """Mean and max milliseconds per reset over seeds ``0..resets-1`` (after one untimed reset)."""
    env = gym.make(env_id, obs_mode="state", cameras=())
    env.reset(seed=WARMUP_SEED)
    times = []
    for seed in range(resets):
        start = time.perf_counter()
        env.reset(seed=seed)
        times.append((time.perf_counter() - start) * 1000)
    env.close()
    return float(np.mean(times)), float(np.max(times))


def time_physics(task: str, episodes: int) -> tuple[float, float]:
    """Mean and max milliseconds of physics per control step while the expert plays ``episodes`` episodes."""
    env = gym.make(f"Arena-{task}", obs_mode="state", cameras=())
    sim = env.unwrapped.sim
    simulate = sim.simulate
    times: list[float] = []

    def timed() -> bool:
        start = time.perf_counter()
        unstable = simulate()
        times.append((time.perf_counter() - start) * 1000)
        return unstable

    sim.simulate = timed
    expert = ScriptedExpert(env)
    for seed in range(episodes):
        obs, _ = env.reset(seed=seed)
        expert.reset(obs["instruction"], seed)
        for _ in range(env.unwrapped.max_episode_steps):
            obs, _, terminated, truncated, _ = env.step(expert.act(obs))
            if terminated or truncated:
                break
    env.close()
    return float(np.mean(times)), float(np.max(times))


def measure(task: str, resets: int, episodes: int) -> TaskTiming:
    """Every timing of one task."""
    none_mean, none_max = time_resets(f"Arena-{task}-None", resets)
    all_mean, all_max = time_resets(f"Arena-{task}-All", resets)
    physics_mean, physics_max = time_physics(task, episodes)
    return TaskTiming(task, none_mean, none_max, all_mean, all_max, physics_mean, physics_max)


def report(results: Sequence[TaskTiming]) -> None:
    """Print the table, ratios to the baseline, verdicts and the three slowest tasks."""
    base = next((r for r in results if r.task == BASELINE), None)

    def ratio(value: float, reference: float | None) -> str:
        return f"{value / reference:4.1f}x" if reference else "  - "

    header = (
        f"{'task':<24} {'reset None ms':>16} {'reset All ms':>16} {'physics ms/step':>18}  "
        f"{'vs ' + BASELINE + ' (None/All/phys)':>28}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        ratios = " ".join(
            ratio(v, b)
            for v, b in (
                (r.reset_none_ms, base and base.reset_none_ms),
                (r.reset_all_ms, base and base.reset_all_ms),
                (r.physics_ms, base and base.physics_ms),
            )
        )
        print(
            f"{r.task:<24} {r.reset_none_ms:7.1f} (max {r.reset_none_max_ms:5.1f}) "
            f"{r.reset_all_ms:6.1f} (max {r.reset_all_max_ms:5.1f}) "
            f"{r.physics_ms:8.2f} (max {r.physics_max_ms:5.2f})  {ratios:>28}  {'ok' if r.ok else 'OVER TARGET'}"
        )
    print()
    print(f"targets: reset <= {RESET_TARGET_MS:.0f} ms (worst of None and All), physics <= {PHYSICS_TARGET_MS} ms/step")
    slowest = sorted(results, key=lambda r: (r.physics_ms, r.reset_all_ms), reverse=True)[:3]
    print("three slowest (physics per control step): " + ", ".join(f"{r.task} {r.physics_ms:.2f} ms" for r in slowest))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=list(task_names()), choices=task_names(), metavar="TASK")
    parser.add_argument("--resets", type=int, default=10, help="timed resets per (task, axis) (default: 10)")
    parser.add_argument("--episodes", type=int, default=2, help="expert episodes timed per task (default: 2)")
    args = parser.parse_args(argv)
    tasks = list(dict.fromkeys([BASELINE, *args.tasks]))  # the baseline always runs, first
    results = [measure(task, args.resets, args.episodes) for task in tqdm(tasks, unit="task")]
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
