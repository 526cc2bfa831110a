"""Reset-time benchmark per perturbation axis.

For one task (default ``StackBlocks``) and every applicable axis, times ``env.reset(seed=s)`` for seeds
``0..N-1`` with ``obs_mode="state"`` (no camera) and with one 128x128 camera (``front``), and prints mean and max
milliseconds per reset and the ratio of the mean to the ``None`` axis measured in the same run. The first reset
of each env (it builds the renderer, caches ...) is not timed. Spec-stage axes (``ObjectSize``, ``ReceiverSize``,
``Distractors``, and ``All`` which includes them) rebuild and recompile the scene on every reset; they are
judged against the target of <= 150 ms per reset. It is a report: the exit code is always 0.

Run with ``MUJOCO_GL=egl python benchmarks/reset_time.py [--task OpenDrawer] [--resets 10] [--axes None All]``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
from tqdm import tqdm  # noqa: E402

import arena  # noqa: E402, F401  (registers the Arena-* ids)
from arena.perturbations import stage  # noqa: E402
from arena.spec.axes import axis_applies, resolve_axes  # noqa: E402
from arena.spec.axis_names import ALL_AXIS, AXIS_NAMES, NONE_AXIS  # noqa: E402
from arena.spec.task import load_task, task_names  # noqa: E402

IMAGE_SIZE = 128
CAMERA = "front"
TARGET_MS = 150.0  # required reset time with spec-stage (recompiling) axes
WARMUP_SEED = 10_000  # seed of the untimed first reset


@dataclass(frozen=True)
class EnvSetup:
    """One observation configuration to time."""

    label: str
    obs_mode: str
    cameras: tuple[str, ...]


SETUPS: tuple[EnvSetup, ...] = (
    EnvSetup("state", "state", ()),
    EnvSetup(f"1 cam {IMAGE_SIZE}px", "rgb", (CAMERA,)),
)


@dataclass
class Timing:
    """Reset times of one (axis, setup) env, in milliseconds."""

    mean_ms: float
    max_ms: float


def axis_stage(axis: str, task_name: str) -> str:
    """``spec`` when the axis (or any axis ``All`` switches on) recompiles the scene, else ``model`` / ``-``."""
    if axis == NONE_AXIS:
        return "-"
    if axis == ALL_AXIS:
        stages = {stage(a.name) for a in resolve_axes(axis, load_task(task_name))}
        return "spec" if "spec" in stages else "model"
    return stage(axis)


def time_resets(task: str, axis: str, setup: EnvSetup, seeds: Sequence[int]) -> Timing:
    """Reset a fresh env once untimed, then time one reset per seed."""
    env = gym.make(f"Arena-{task}-{axis}", obs_mode=setup.obs_mode, cameras=setup.cameras, image_size=IMAGE_SIZE)
    env.reset(seed=WARMUP_SEED)  # builds the renderer / GL context; not timed
    times = []
    for seed in seeds:
        start = time.perf_counter()
        env.reset(seed=seed)
        times.append(1000.0 * (time.perf_counter() - start))
    env.close()
    return Timing(sum(times) / len(times), max(times))


def verdict(stage: str, timing: Timing) -> str:
    """Target check for spec-stage axes: ``ok`` when every reset is within target, else what is over."""
    if stage != "spec":
        return ""
    if timing.max_ms <= TARGET_MS:
        return "ok"
    return "max over" if timing.mean_ms <= TARGET_MS else "OVER"


def report(task: str, axes: Sequence[str], results: dict[tuple[str, str], Timing], n_resets: int) -> None:
    """Print the per-axis table and the spec-stage target verdicts."""
    print()
    print(
        f"Reset time: task={task}, {n_resets} timed resets per env (seeds 0..{n_resets - 1}, first reset untimed), "
        f"MUJOCO_GL={os.environ.get('MUJOCO_GL')}; ms per reset, ratio = mean / None mean"
    )
    columns = "".join(f" | {s.label + ' mean':>17} {'max':>7} {'ratio':>6} {'target':>8}" for s in SETUPS)
    header = f"{'axis':<18} {'stage':<6}{columns}"
    print("-" * len(header))
    print(header)
    print("-" * len(header))
    for axis in axes:
        stage = axis_stage(axis, task)
        row = f"{axis:<18} {stage:<6}"
        for setup in SETUPS:
            timing = results[(axis, setup.label)]
            base = results.get((NONE_AXIS, setup.label))
            ratio = f"{timing.mean_ms / base.mean_ms:.2f}x" if base else "n/a"
            row += f" | {timing.mean_ms:>17.1f} {timing.max_ms:>7.1f} {ratio:>6} {verdict(stage, timing):>8}"
        print(row)
    print("-" * len(header))
    spec_axes = [a for a in axes if axis_stage(a, task) == "spec"]
    for axis in spec_axes:
        for setup in SETUPS:
            timing = results[(axis, setup.label)]
            ok = timing.max_ms <= TARGET_MS
            print(
                f"{'TARGET OK' if ok else 'TARGET MISSED':<13}: {axis:<18} {setup.label:<10} "
                f"mean {timing.mean_ms:6.1f} ms, max {timing.max_ms:6.1f} ms vs <= {TARGET_MS:.0f} ms"
            )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="StackBlocks", choices=task_names(), help="task (default: StackBlocks)")
    parser.add_argument(
        "--axes",
        nargs="+",
        default=list(AXIS_NAMES),
        choices=AXIS_NAMES,
        metavar="AXIS",
        help="axes to time (default: every applicable axis; None is always added for the ratio)",
    )
    parser.add_argument("--resets", type=int, default=10, help="timed resets per env, one seed each (default: 10)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; always returns 0."""
    args = parse_args(argv)
    task = load_task(args.task)
    wanted = {NONE_AXIS, *args.axes}
    axes = [a for a in AXIS_NAMES if a in wanted and axis_applies(a, task)]
    seeds = range(args.resets)
    wall_start = time.perf_counter()
    results: dict[tuple[str, str], Timing] = {}
    plan = [(axis, setup) for axis in axes for setup in SETUPS]
    with tqdm(plan, unit="env", dynamic_ncols=True) as bar:
        for axis, setup in bar:
            bar.set_description(f"{args.task}-{axis} {setup.label}")
            results[(axis, setup.label)] = time_resets(args.task, axis, setup, seeds)
    report(args.task, axes, results, args.resets)
    print(f"total benchmark wall time: {time.perf_counter() - wall_start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
