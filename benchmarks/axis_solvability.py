"""Scripted-expert solvability under each perturbation axis.

For every task x applicable axis (``Arena-<Task>-<Axis>``, ``obs_mode="state"``), runs
:class:`arena.policies.ScriptedExpert` on seeds ``0..N-1`` and prints a table of success rates (axes as rows,
tasks as columns, plus the overall rate per axis), a ``FLOOR OK`` / ``FLOOR MISSED`` verdict per cell against
the benchmark requirement (>= 90% under ``None`` and each single axis, >= 80% under ``All``) and every failing
(task, axis, seed) triple with the perturbation values the axis drew for that episode. It is a report: the exit
code is always 0.

``--workers N`` runs cells in N processes (results do not depend on N: each cell is a fixed list of seeds).
``--write-docs`` records the cells in ``benchmarks/solvability.json`` (cells not run keep their entry) and
rewrites ``docs/solvability.md``, the task x axis table the README links to.

Run with ``MUJOCO_GL=egl python benchmarks/axis_solvability.py [--tasks OpenDrawer] [--axes Mass All]
[--episodes 20] [--workers 2] [--write-docs]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
from tqdm import tqdm  # noqa: E402

import arena  # noqa: E402, F401  (registers the Arena-* ids)
from arena.eval.evaluation import run_episode
from arena.policies import ScriptedExpert  # noqa: E402
from arena.spec.axes import axis_applies  # noqa: E402
from arena.spec.axis_names import ALL_AXIS, AXIS_NAMES  # noqa: E402
from arena.spec.task import load_task, task_names  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: Cells recorded by ``--write-docs`` and the page made from them.
DOCS_DATA = ROOT / "benchmarks" / "solvability.json"
DOCS_PAGE = ROOT / "docs" / "solvability.md"
SINGLE_AXIS_FLOOR = 0.90  # required expert success under None and every single axis
ALL_AXIS_FLOOR = 0.80  # required expert success under All
#: Axes that can change what the (state-observation) expert physically faces; the others are appearance-only.
PHYSICAL_AXES: tuple[str, ...] = ("ObjectSize", "ReceiverSize", "Distractors", "Friction", "Mass")


def floor_for(axis: str) -> float:
    """The required success rate for one axis."""
    return ALL_AXIS_FLOOR if axis == ALL_AXIS else SINGLE_AXIS_FLOOR


@dataclass
class Failure:
    """One failed episode."""

    seed: int
    reason: str  # "timeout", "sim_unstable" or "error: ..."
    steps: int
    perturbations: Mapping[str, Any]


@dataclass
class CellResult:
    """Outcome of the expert on one (task, axis) env id."""

    task: str
    axis: str
    successes: int = 0
    episodes: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def success_rate(self) -> float:
        """Fraction of successful episodes."""
        return self.successes / max(self.episodes, 1)

    @property
    def floor_ok(self) -> bool:
        """Whether the cell meets its floor."""
        return self.success_rate >= floor_for(self.axis)


def _num(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _vec(values: Sequence[float]) -> str:
    return "(" + ",".join(f"{v:.2f}" for v in values) + ")"


def format_axis_values(axis: str, values: Any) -> str:
    """A short, human-readable rendering of one axis's sampled values."""
    if axis == "Distractors" and isinstance(values, Mapping):
        toys = ", ".join(
            f"{t.get('color')}@({t.get('x', 0.0):.2f},{t.get('y', 0.0):.2f}) r={t.get('radius', 0.0):.3f}"
            for t in values.get("toys", [])
        )
        return f"requested={values.get('requested')} placed={len(values.get('toys', []))} [{toys}]"
    if axis == "CameraPose" and isinstance(values, Mapping):
        return "; ".join(
            f"{cam}: off={_vec(v.get('offset', []))} rot={_vec(v.get('rotation', []))}" for cam, v in values.items()
        )
    if isinstance(values, Mapping):
        return ", ".join(
            f"{key}={_vec(val) if isinstance(val, list | tuple) else _num(val)}" for key, val in values.items()
        )
    return str(values)


def failure_details(axis: str, perturbations: Mapping[str, Any]) -> list[str]:
    """Lines describing the perturbation values relevant to a failure under ``axis``.

    For ``All`` only the physical axes are listed (the expert reads state, so appearance cannot matter).
    """
    shown = [name for name in PHYSICAL_AXES if name in perturbations] if axis == ALL_AXIS else [axis]
    return [f"{name}: {format_axis_values(name, perturbations[name])}" for name in shown if name in perturbations]


#: Short failure reasons for an episode's error text (no error: the episode ran out of steps).
FAILURE_REASONS = {None: "timeout", "simulation became unstable": "sim_unstable"}


def expert_episode(env: gym.Env, expert: ScriptedExpert, seed: int) -> tuple[bool, int, str, Mapping[str, Any]]:
    """Play one expert episode; return (success, steps, failure reason or "", perturbation values)."""
    outcome, _ = run_episode(env, expert, seed)
    success, error = bool(outcome["success"]), outcome["error"]
    reason = (
        "" if success else {None: "timeout", "simulation became unstable": "sim_unstable"}.get(error, f"error: {error}")
    )
    return success, outcome["steps"], reason, dict(outcome["episode_config"].perturbations)


def run_cell(task: str, axis: str, seeds: Sequence[int], bar: tqdm | None = None) -> CellResult:
    """Run the expert on every seed of one (task, axis) env id, advancing the progress bar if given."""
    result = CellResult(task, axis)
    env = gym.make(f"Arena-{task}-{axis}", obs_mode="state", cameras=())
    expert = ScriptedExpert(env)
    start = time.perf_counter()
    if bar is not None:
        bar.set_description(f"{task}-{axis}")
    for seed in seeds:
        try:
            success, steps, reason, perturbations = expert_episode(env, expert, seed)
        except Exception as error:  # a crash is reported as a failed episode, not fatal
            success, steps, reason, perturbations = False, 0, f"error: {type(error).__name__}: {error}", {}
        result.episodes += 1
        if success:
            result.successes += 1
        else:
            result.failures.append(Failure(seed, reason, steps, perturbations))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(cell=f"{result.successes}/{result.episodes}")
    result.seconds = time.perf_counter() - start
    env.close()
    return result


def cell_text(cell: CellResult | None) -> str:
    """One table cell: successes/episodes, rate and verdict, or n/a."""
    if cell is None:
        return "n/a"
    return f"{cell.successes:>2}/{cell.episodes:<2} {cell.success_rate:>4.0%} {'ok' if cell.floor_ok else 'MISS'}"


def report(results: Sequence[CellResult], tasks: Sequence[str], axes: Sequence[str], episodes: int) -> None:
    """Print the task x axis table, per-axis overall rates, floor verdicts and failing triples."""
    cells = {(r.task, r.axis): r for r in results}
    width = max(16, *(len(t) for t in tasks))
    header = f"{'axis':<18} {'floor':>5}  " + " ".join(f"{t:>{width}}" for t in tasks) + f"  {'overall':>13}"
    print()
    print(f"Expert solvability: {episodes} seeds per cell, obs_mode=state; cell = successes/episodes rate verdict")
    print("-" * len(header))
    print(header)
    print("-" * len(header))
    for axis in axes:
        row = [cells.get((task, axis)) for task in tasks]
        done = [c for c in row if c is not None]
        successes = sum(c.successes for c in done)
        total = sum(c.episodes for c in done)
        overall = f"{successes}/{total} {successes / total:.1%}" if total else "n/a"
        print(
            f"{axis:<18} {floor_for(axis):>5.0%}  "
            + " ".join(f"{cell_text(c):>{width}}" for c in row)
            + f"  {overall:>13}"
        )
    print("-" * len(header))
    successes = sum(r.successes for r in results)
    total = sum(r.episodes for r in results)
    print(f"{'all cells':<18} {'':>5}  {successes}/{total} = {successes / max(total, 1):.1%}")
    print()

    for r in results:
        verdict = "FLOOR OK" if r.floor_ok else "FLOOR MISSED"
        print(f"{verdict:<12}: {r.task:<20} {r.axis:<18} {r.success_rate:>6.1%} vs floor {floor_for(r.axis):.0%}")
    missed = [r for r in results if not r.floor_ok]
    print()
    print(f"cells meeting the floor: {len(results) - len(missed)}/{len(results)}")
    if missed:
        print("cells missing the floor: " + ", ".join(f"{r.task}/{r.axis}" for r in missed))
    print()

    failures = [(r, f) for r in results for f in r.failures]
    print(f"failing (task, axis, seed) triples: {len(failures) or 'none'}")
    for r, f in failures:
        steps = f" after {f.steps} steps" if f.steps else ""
        print(f"  ({r.task}, {r.axis}, {f.seed}): {f.reason}{steps}")
        for line in failure_details(r.axis, f.perturbations):
            print(f"      {line}")


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
    parser.add_argument(
        "--axes",
        nargs="+",
        default=list(AXIS_NAMES),
        choices=AXIS_NAMES,
        metavar="AXIS",
        help="axes to run (default: every axis; not-applicable ones are skipped per task)",
    )
    parser.add_argument("--episodes", type=int, default=20, help="episodes (seeds 0..N-1) per cell (default: 20)")
    parser.add_argument("--seed-offset", type=int, default=0, help="first seed (default: 0)")
    parser.add_argument("--workers", type=int, default=1, help="processes running cells (default: 1)")
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help=f"record the cells in {DOCS_DATA.relative_to(ROOT)} and rewrite {DOCS_PAGE.relative_to(ROOT)}",
    )
    return parser.parse_args(argv)


def run_plan(plan: Sequence[tuple[str, str]], seeds: Sequence[int], workers: int) -> list[CellResult]:
    """Every cell of ``plan``, in plan order, on ``workers`` processes (one process: in this one)."""
    with tqdm(total=len(plan) * len(seeds), unit="ep", dynamic_ncols=True) as bar:
        if workers <= 1:
            return [run_cell(task, axis, seeds, bar) for task, axis in plan]
        results: dict[tuple[str, str], CellResult] = {}
        context = multiprocessing.get_context("spawn")  # no GL or MuJoCo state inherited from this process
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {pool.submit(run_cell, task, axis, list(seeds)): (task, axis) for task, axis in plan}
            for future in as_completed(futures):
                cell = future.result()
                results[futures[future]] = cell
                bar.update(cell.episodes)
                bar.set_description(f"{cell.task}-{cell.axis} {cell.successes}/{cell.episodes}")
        return [results[key] for key in plan]


def write_docs(results: Sequence[CellResult], first_seed: int) -> None:
    """Merge ``results`` into :data:`DOCS_DATA` and rewrite :data:`DOCS_PAGE` from it."""
    data = json.loads(DOCS_DATA.read_text()) if DOCS_DATA.exists() else {}
    known = set(task_names())
    cells = {key: value for key, value in data.get("cells", {}).items() if key.split("/")[0] in known}
    for r in results:
        cells[f"{r.task}/{r.axis}"] = {
            "successes": r.successes,
            "episodes": r.episodes,
            "first_seed": first_seed,
            "failing_seeds": [f.seed for f in r.failures],
        }
    data = {"generated_by": "python benchmarks/axis_solvability.py --write-docs", "cells": dict(sorted(cells.items()))}
    DOCS_DATA.write_text(json.dumps(data, indent=2) + "\n")
    DOCS_PAGE.write_text(solvability_page(data["cells"]))


def solvability_page(cells: Mapping[str, Mapping[str, Any]]) -> str:
    """The Markdown page: one row per task, one column per axis, cells as success rates (n/a: axis not applicable)."""
    tasks = [t for t in task_names() if any(key.startswith(f"{t}/") for key in cells)]
    axes = [a for a in AXIS_NAMES if any(key.endswith(f"/{a}") for key in cells)]
    lines = [
        "# Expert solvability: task x perturbation axis",
        "",
        "<!-- generated by `python benchmarks/axis_solvability.py --write-docs`; do not edit -->",
        "",
        "The scripted expert (privileged state, `obs_mode=state`) on every applicable `Arena-<Task>-<Axis>` id. "
        f"A perturbed episode the expert cannot solve is a benchmark bug, so each cell must reach "
        f"{SINGLE_AXIS_FLOOR:.0%} (None and every single axis) or {ALL_AXIS_FLOOR:.0%} (All). Cells below their "
        "floor are in **bold**; n/a: the axis does not apply to the task (it has no object of that role).",
        "",
        "| task | " + " | ".join(axes) + " |",
        "| --- |" + " ---: |" * len(axes),
    ]
    for task in tasks:
        row = []
        for axis in axes:
            cell = cells.get(f"{task}/{axis}")
            if cell is None:
                row.append("n/a")
                continue
            rate = cell["successes"] / max(cell["episodes"], 1)
            text = f"{cell['successes']}/{cell['episodes']}"
            row.append(text if rate >= floor_for(axis) else f"**{text}**")
        lines.append(f"| {task} | " + " | ".join(row) + " |")
    total = sum(c["successes"] for c in cells.values())
    episodes = sum(c["episodes"] for c in cells.values())
    seeds = sorted({(c["first_seed"], c["episodes"]) for c in cells.values()})
    seed_text = ", ".join(f"seeds {first}..{first + n - 1}" for first, n in seeds)
    lines += ["", f"All cells: {total}/{episodes} = {total / max(episodes, 1):.1%} ({seed_text}).", ""]
    failing = [(key, c["failing_seeds"]) for key, c in cells.items() if c["failing_seeds"]]
    if failing:
        lines += ["Failing seeds (rerun one with `--tasks T --axes A --seed-offset S --episodes 1`):", ""]
        lines += [f"- {key}: {', '.join(map(str, seeds_))}" for key, seeds_ in failing]
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; always returns 0 (the floor verdicts are printed, not enforced)."""
    args = parse_args(argv)
    seeds = range(args.seed_offset, args.seed_offset + args.episodes)
    axes = [a for a in AXIS_NAMES if a in args.axes]  # report order
    plan = [(task, axis) for task in args.tasks for axis in axes if axis_applies(axis, load_task(task))]
    wall_start = time.perf_counter()
    results = run_plan(plan, seeds, args.workers)
    report(results, args.tasks, axes, len(seeds))
    if args.write_docs:
        write_docs(results, args.seed_offset)
        print(f"wrote {DOCS_DATA.relative_to(ROOT)} and {DOCS_PAGE.relative_to(ROOT)}")
    print(f"\ntotal wall time: {time.perf_counter() - wall_start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
