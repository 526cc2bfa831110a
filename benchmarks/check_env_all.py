"""gymnasium's ``check_env`` on every applicable registered id (the test suite checks a sample of them).

For each ``Arena-<Task>[-<Axis>]`` id that applies (``arena.applicable_ids()``), builds the env with state
observations and runs ``gymnasium.utils.env_checker.check_env`` (spaces, seeding, reset/step contract, determinism
of the perturbed episode), then prints how many passed, the seconds per id and every failure with its message.
``tests/test_env.py`` runs each task's plain, None and All ids plus half of its single-axis ids; this is the full
sweep. It is a report: the exit code is 1 only if an id failed.

Run with ``MUJOCO_GL=egl python benchmarks/check_env_all.py [--tasks Hockey WipeDesk]``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Sequence

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
from gymnasium.utils.env_checker import check_env  # noqa: E402
from tqdm import tqdm  # noqa: E402

import arena  # noqa: E402
from arena.spec.task import task_names  # noqa: E402


def ids_of(tasks: Sequence[str]) -> list[str]:
    """The applicable ids of ``tasks`` (plain id first, then each axis)."""
    return [env_id for env_id in arena.applicable_ids() if env_id.split("-")[1] in tasks]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=list(task_names()), choices=task_names(), metavar="TASK")
    args = parser.parse_args(argv)
    failures: list[tuple[str, str]] = []
    ids = ids_of(args.tasks)
    start = time.perf_counter()
    for env_id in tqdm(ids, desc="check_env"):
        env = gym.make(env_id, obs_mode="state")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check_env(env.unwrapped, skip_render_check=True)
        except Exception as error:  # noqa: BLE001 - a report: every failure is listed with its message
            failures.append((env_id, f"{type(error).__name__}: {error}"))
        finally:
            env.close()
    seconds = time.perf_counter() - start
    per_id = seconds / max(len(ids), 1)
    print(f"\n{len(ids) - len(failures)}/{len(ids)} applicable ids pass check_env ({per_id:.2f} s per id)")
    for env_id, message in failures:
        print(f"FAILED {env_id}: {message}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
