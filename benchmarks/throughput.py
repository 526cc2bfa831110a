"""Evaluation throughput: episodes/min of the scripted expert, with 1 and 2 local workers and with Ray.

Runs a fixed subgrid (every task in ``tasks/`` x a few axes) locally with 1 and 2 workers and with Ray on 2 local
CPUs, then projects the time on this machine of the protocol over the tasks now in ``tasks/`` (every applicable
task x axis cell x 25 episodes) and of the full-size protocol target (20 tasks x 16 axes x 25 = 8,000 episodes).

    MUJOCO_GL=egl python benchmarks/throughput.py [--episodes 3] [--skip-ray]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import arena  # noqa: F401 - registers ids
from arena.eval.evaluation import applicable_grid, evaluate
from arena.eval.protocol import EPISODES_PER_CELL
from arena.eval.results import read_results
from arena.spec.axis_names import AXIS_NAMES
from arena.spec.task import task_names

AXES = ["None", "ObjectColor", "ObjectSize", "Distractors", "Mass", "All"]
TARGET_PROTOCOL_EPISODES = 20 * 16 * EPISODES_PER_CELL  # the full-size benchmark: 20 tasks x 16 axes x 25


def _timed(label: str, **kwargs) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        path = evaluate("expert", out_dir=Path(out), progress=False, **kwargs)
        seconds = time.perf_counter() - start
        records = read_results(path)
    rate = len(records) / seconds * 60
    successes = sum(r["success"] for r in records)
    print(f"{label:28s} {len(records):4d} episodes in {seconds:6.1f} s = {rate:6.1f} episodes/min "
          f"(success {successes}/{len(records)})")  # fmt: skip
    return rate, len(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3, help="episodes per (task, axis) cell")
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    tasks = list(task_names())
    grid = dict(tasks=tasks, axes=AXES, episodes=args.episodes)
    count = len(applicable_grid(tasks, AXES, args.episodes, "expert"))
    print(f"subgrid: {len(tasks)} tasks x {AXES} x {args.episodes} = {count} episodes; {os.cpu_count()} CPUs\n")
    one, _ = _timed("local, 1 worker", workers=1, **grid)
    two, _ = _timed("local, 2 workers", workers=2, **grid)
    print(f"\nscaling efficiency 1 -> 2 workers: {two / (2 * one):.0%} (speed-up x{two / one:.2f})")
    if not args.skip_ray:
        import ray

        ray_rate, _ = _timed("ray, 2 local CPUs", backend="ray", workers=2, **grid)
        ray.shutdown()
        print(f"ray vs local 2 workers: x{ray_rate / two:.2f}")
    best = max(one, two)
    shipped = len(applicable_grid(tasks, list(AXIS_NAMES), EPISODES_PER_CELL, "expert"))
    print()
    for label, episodes in (
        (f"protocol on the {len(tasks)} tasks in tasks/", shipped),
        ("protocol target (20 tasks)", TARGET_PROTOCOL_EPISODES),
    ):
        minutes = episodes / best
        print(f"projection: {label} ({episodes} episodes, state-only expert) at {best:.0f} episodes/min "
              f"= {minutes:.0f} min ({'within' if minutes <= 60 else 'OVER'} the 1 hour budget)")  # fmt: skip


if __name__ == "__main__":
    main()
