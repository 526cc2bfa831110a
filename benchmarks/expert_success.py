"""Scripted-expert success benchmark.

Runs :class:`arena.policies.ScriptedExpert` on seeds ``0..N-1`` of each task (``obs_mode="state"``, unperturbed
axis) and prints, per task, the success rate, mean episode length, episodes/s, the failing seeds and a
``FLOOR OK`` / ``FLOOR MISSED`` line against ``--floor``. It is a report: the exit code is always 0.

``--policy random`` plays the random policy instead and judges each task against a ceiling: a random policy must
succeed on fewer than 5% of the seeds (a task that random actions solve measures nothing).

``--write-docs`` records the (expert) rates in ``benchmarks/expert_success.json`` and regenerates the README task table
from it (``scripts/make_docs_tables.py``).

Run with ``MUJOCO_GL=egl python benchmarks/expert_success.py [--tasks StackBlocks OpenDrawer] [--episodes 50]
[--write-docs]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gymnasium as gym
from tqdm import tqdm

from arena.eval.evaluation import run_episode
from arena.policies import RandomPolicy, ScriptedExpert
from arena.spec.task import task_names

ROOT = Path(__file__).resolve().parents[1]
#: Expert rates the README task table shows; written by ``--write-docs``, read by ``scripts/make_docs_tables.py``.
DOCS_DATA = ROOT / "benchmarks" / "expert_success.json"
DOCS_SCRIPT = ROOT / "scripts" / "make_docs_tables.py"
#: A random policy must stay below this success rate on every task.
RANDOM_CEILING = 0.05
POLICIES = {"expert": ScriptedExpert, "random": RandomPolicy}


@dataclass
class TaskResult:
    """Outcome of the expert on one task."""

    task: str
    successes: int = 0
    episodes: int = 0
    total_steps: int = 0
    seconds: float = 0.0
    failing_seeds: list[int] = field(default_factory=list)
    failure_reasons: dict[int, str] = field(default_factory=dict)

    @property
    def success_rate(self) -> float:
        """Fraction of successful episodes."""
        return self.successes / max(self.episodes, 1)

    @property
    def mean_steps(self) -> float:
        """Mean env steps per episode (successful and failed)."""
        return self.total_steps / max(self.episodes, 1)

    @property
    def episodes_per_s(self) -> float:
        """Throughput, including resets."""
        return self.episodes / self.seconds if self.seconds > 0 else float("nan")


#: Short failure reasons for an episode's error text (no error: the episode ran out of steps).
FAILURE_REASONS = {None: "timeout", "simulation became unstable": "sim_unstable"}


def expert_episode(env: gym.Env, expert: ScriptedExpert | RandomPolicy, seed: int) -> tuple[bool, int, str]:
    """Play one episode of the policy; return (success, steps, failure reason or "")."""
    outcome, _ = run_episode(env, expert, seed)
    success, error = bool(outcome["success"]), outcome["error"]
    reason = (
        "" if success else {None: "timeout", "simulation became unstable": "sim_unstable"}.get(error, f"error: {error}")
    )
    return success, outcome["steps"], reason


def run_task(task: str, seeds: Sequence[int], policy: str = "expert") -> TaskResult:
    """Run the policy (``expert`` or ``random``) on every seed of ``task``, with a progress bar."""
    env = gym.make(f"Arena-{task}", obs_mode="state", cameras=())
    expert = POLICIES[policy](env)
    result = TaskResult(task)
    start = time.perf_counter()
    with tqdm(seeds, desc=f"{task:<20}", unit="ep", dynamic_ncols=True) as bar:
        for seed in bar:
            success, steps, reason = expert_episode(env, expert, seed)
            result.episodes += 1
            result.total_steps += steps
            if success:
                result.successes += 1
            else:
                result.failing_seeds.append(seed)
                result.failure_reasons[seed] = reason
            bar.set_postfix(success=f"{result.success_rate:.0%}")
    result.seconds = time.perf_counter() - start
    env.close()
    return result


def report(results: Sequence[TaskResult], floor: float) -> None:
    """Print the per-task table, failing seeds and floor verdicts."""
    print()
    print(f"{'task':<20} {'success':>9} {'rate':>7} {'mean steps':>11} {'episodes/s':>11}")
    print("-" * 62)
    for r in results:
        print(
            f"{r.task:<20} {r.successes:>4}/{r.episodes:<4} {r.success_rate:>7.1%} "
            f"{r.mean_steps:>11.1f} {r.episodes_per_s:>11.2f}"
        )
    print("-" * 62)
    for r in results:
        if r.failing_seeds:
            seeds = ", ".join(f"{s} ({r.failure_reasons[s]})" for s in r.failing_seeds)
            print(f"{r.task}: failing seeds: {seeds}")
        else:
            print(f"{r.task}: failing seeds: none")
    print()
    for r in results:
        verdict = "FLOOR OK" if r.success_rate >= floor else "FLOOR MISSED"
        print(f"{verdict}: {r.task} success {r.success_rate:.1%} vs floor {floor:.0%}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tasks",
        nargs="+",
        default=list(task_names()),
        choices=task_names(),
        metavar="TASK",
        help=f"tasks to run (default: every task in tasks/, now {', '.join(task_names())})",
    )
    parser.add_argument("--episodes", type=int, default=50, help="episodes (seeds 0..N-1) per task (default: 50)")
    parser.add_argument("--seed-offset", type=int, default=0, help="first seed (default: 0)")
    parser.add_argument("--floor", type=float, default=0.95, help="minimum success rate per task (default: 0.95)")
    parser.add_argument("--policy", choices=sorted(POLICIES), default="expert", help="policy to play (default: expert)")
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help=f"record the rates in {DOCS_DATA.relative_to(ROOT)} (tasks not run keep their entry) and regenerate "
        "the README task table",
    )
    return parser.parse_args(argv)


def write_docs_data(results: Sequence[TaskResult], first_seed: int, path: Path = DOCS_DATA) -> dict:
    """Merge ``results`` into the docs data file; entries of tasks not run are kept, removed tasks dropped."""
    data = json.loads(path.read_text()) if path.exists() else {}
    known = set(task_names())
    tasks = {name: entry for name, entry in data.get("tasks", {}).items() if name in known}
    for r in results:
        tasks[r.task] = {"episodes": r.episodes, "successes": r.successes, "first_seed": first_seed}
    data = {"generated_by": "python benchmarks/expert_success.py --write-docs", "tasks": dict(sorted(tasks.items()))}
    path.write_text(json.dumps(data, indent=2) + "\n")
    return data


def regenerate_readme_table() -> bool:
    """Run ``scripts/make_docs_tables.py`` in-process; return whether README.md changed."""
    spec = importlib.util.spec_from_file_location("make_docs_tables", DOCS_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module.write_readme()


def report_random(results: Sequence[TaskResult]) -> None:
    """Print the random policy's rate per task against :data:`RANDOM_CEILING`."""
    print()
    for r in results:
        verdict = "CEILING OK" if r.success_rate < RANDOM_CEILING else "CEILING MISSED"
        print(f"{verdict}: {r.task:<24} random success {r.successes}/{r.episodes} vs ceiling {RANDOM_CEILING:.0%}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; always returns 0 (the floor verdicts are printed, not enforced)."""
    args = parse_args(argv)
    if args.write_docs and args.policy != "expert":
        raise SystemExit("--write-docs records the expert's rates; drop it with --policy random")
    seeds = range(args.seed_offset, args.seed_offset + args.episodes)
    results = [run_task(task, seeds, args.policy) for task in args.tasks]
    if args.policy == "random":
        report_random(results)
        return 0
    report(results, args.floor)
    if args.write_docs:
        write_docs_data(results, args.seed_offset)
        changed = regenerate_readme_table()
        print(f"\nwrote {DOCS_DATA.relative_to(ROOT)}; README.md task table {'updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
