"""The ``arena`` command line: tasks, render, rollout, eval, report."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _video(text: str) -> int:
    """``failures`` (-1) or a non-negative count of episodes per cell."""
    return -1 if text == "failures" else _non_negative_int(text)


def _names(kind: str, valid: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        names = [n for n in text.split(",") if n]
        bad = [n for n in names if n not in valid]
        if bad or not names:
            raise argparse.ArgumentTypeError(f"unknown {kind} {bad or text!r}; valid: {', '.join(valid)}")
        return names

    return parse


def cmd_tasks(args: argparse.Namespace) -> int:
    from arena.task_spec import load_task, task_names

    for name in task_names():
        task = load_task(name)
        objects = ", ".join(f"{o.name} ({o.role}, {o.shape.kind})" for o in task.objects)
        variants = "; ".join(f"{k}: {'/'.join(v)}" for k, v in task.variants.items()) or "-"
        print(f"{name:20s} max_steps={task.max_steps:<4d} objects: {objects}; variants: {variants}")
        if args.verbose:
            from arena.perturbations import applicable_axes

            print(f"    {task.description}\n    success: {task.success_conditions}")
            print(f"    axes: None, {', '.join(applicable_axes(task))}, All")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    import gymnasium as gym
    import imageio.v2 as imageio
    import numpy as np

    import arena  # noqa: F401 - registers ids
    from arena.registration import env_id

    env = gym.make(env_id(args.task), cameras=tuple(args.cameras), image_size=args.size)
    obs, info = env.reset(seed=args.seed)
    image = np.concatenate([obs[f"images/{camera}"] for camera in args.cameras], axis=1)
    imageio.imwrite(args.output, image)
    env.close()
    instruction = info["episode_config"].instruction
    print(f"{args.output}: {', '.join(args.cameras)} of {args.task} seed {args.seed} ({instruction!r})")
    return 0


def cmd_rollout(args: argparse.Namespace) -> int:
    import gymnasium as gym
    import imageio.v2 as imageio

    import arena  # noqa: F401
    from arena.evaluation import run_episode
    from arena.policies.registry import make_policy
    from arena.registration import env_id

    env = gym.make(env_id(args.task), obs_mode="state")
    policy = make_policy(args.policy, env)
    outcome, frames = run_episode(env, policy, args.seed, frame_camera=args.camera if args.video else None)
    if args.video:
        imageio.mimwrite(args.video, frames, fps=env.metadata["render_fps"], macro_block_size=1)
    env.close()
    summary = {k: v for k, v in outcome.items() if k != "episode_config"}
    summary["config_hash"] = outcome["episode_config"].config_hash
    summary["instruction"] = outcome["episode_config"].instruction
    print(json.dumps(summary))
    return 0 if outcome["error"] is None else 1


def cmd_eval(args: argparse.Namespace) -> int:
    from arena.errors import ArenaError
    from arena.evaluation import evaluate
    from arena.report import write_report

    try:
        path = evaluate(
            args.policy,
            args.tasks,
            args.axes,
            args.episodes,
            args.out,
            workers=args.workers,
            backend=args.backend,
            ray_address=args.ray_address,
            videos=args.video,
            obs_mode=args.obs_mode or ("state" if args.policy == "expert" else "rgb"),
            max_steps=args.max_steps,
            step_timeout=args.step_timeout,
        )
    except KeyboardInterrupt:
        print(f"interrupted: finished episodes are in {args.out}/results.jsonl; run the same command to resume")
        return 130
    except ArenaError as error:
        print(f"arena eval: {error}", file=sys.stderr)
        return 2
    report = write_report([path], args.out)
    print(f"results: {path}\nreport:  {report}")
    print(report.read_text())
    return 0


def cmd_contact_sheet(args: argparse.Namespace) -> int:
    from arena.contact_sheet import write_contact_sheet

    path = write_contact_sheet(
        args.task, args.output, seeds=tuple(range(args.seeds)), cameras=tuple(args.cameras), size=args.size
    )
    print(path)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from arena.report import write_report

    report = write_report(args.results, args.output)
    print(report.read_text())
    return 0


def cmd_print_models(args: argparse.Namespace) -> int:
    import time

    from arena.errors import ArenaError
    from arena.printing.export import export_release, stale_files

    try:
        scales = None if args.scales is None else [float(v) for v in args.scales.split(",") if v]
    except ValueError:
        print(f"arena print-models: --scales expects comma-separated numbers, got {args.scales!r}", file=sys.stderr)
        return 2
    tasks = None if args.tasks is None else [n for n in args.tasks.split(",") if n]
    start = time.perf_counter()
    try:
        items, _, manifest = export_release(args.output, tasks, scales, distractors=not args.no_distractors)
    except ArenaError as error:
        print(f"arena print-models: {error}", file=sys.stderr)
        return 2
    out = Path(args.output)
    for item in items:
        size = " x ".join(f"{v:.1f}" for v in item.mesh.extents)
        supports = "supports" if item.placement.supports else "no supports"
        print(f"{item.file:50s} {size:>21s} mm  {item.mesh.volume / 1000:8.1f} cm3  {item.placement.up} up, {supports}")
    total = sum((out / item.file).stat().st_size for item in items)
    print(
        f"{len(items)} files, {total / 1024:.0f} KiB, all printability checks passed "
        f"({time.perf_counter() - start:.1f} s); manifest: {manifest}"
    )
    stale = stale_files(out, items)
    if stale:
        print(f"note: {len(stale)} STL file(s) in {out} are not part of this export: {', '.join(stale)}")
    if args.picture:
        from arena.printing.picture import render_print_set

        print(f"picture: {render_print_set(out)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from arena.env import SUPPORTED_AXES
    from arena.evaluation import BACKENDS
    from arena.protocol import EPISODES_PER_CELL
    from arena.scene import CAMERAS
    from arena.task_spec import task_names

    tasks = task_names()
    parser = argparse.ArgumentParser(prog="arena", description="Arena robot-manipulation generalisation benchmark")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("tasks", help="list the tasks")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("render", help="render the first frame of an episode from several cameras")
    p.add_argument("--task", choices=tasks, required=True)
    p.add_argument("--seed", type=_non_negative_int, default=0)
    p.add_argument("--cameras", type=_names("camera", CAMERAS), default=list(CAMERAS))
    p.add_argument("--size", type=_positive_int, default=256)
    p.add_argument("-o", "--output", default="render.png")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("rollout", help="play one episode with a policy, optionally recording a video")
    p.add_argument("--task", choices=tasks, required=True)
    p.add_argument("--seed", type=_non_negative_int, default=0)
    p.add_argument("--policy", default="expert", help="expert, random or module:factory")
    p.add_argument("--video", help="write an mp4 of the episode here")
    p.add_argument("--camera", choices=CAMERAS, default="front")
    p.set_defaults(func=cmd_rollout)

    p = sub.add_parser(
        "eval",
        help="evaluate a policy on a task x axis grid (resumable)",
        description="Runs the protocol episodes of a task x axis grid and appends one JSON line per episode to "
        "OUT/results.jsonl; rerunning the same command resumes. Writes OUT/report.md and OUT/report.html.",
    )
    p.add_argument("--policy", default="expert", help="expert, random or an entry point module:factory")
    p.add_argument("--tasks", type=_names("task", tasks), default=list(tasks), help="comma-separated (default: all)")
    p.add_argument(
        "--axes",
        type=_names("axis", SUPPORTED_AXES),
        default=list(SUPPORTED_AXES),
        help="comma-separated (default: all)",
    )
    p.add_argument("--episodes", type=_positive_int, default=EPISODES_PER_CELL, help="episodes per cell (protocol: 25)")
    p.add_argument("--workers", type=_non_negative_int, default=os.cpu_count() or 1, help="0 = in this process")
    p.add_argument("--backend", choices=BACKENDS, default="local")
    p.add_argument("--ray-address", default=None, help="'auto' or host:port; default starts a local Ray instance")
    p.add_argument("--max-steps", type=_positive_int, default=None, help="override the tasks' episode length")
    p.add_argument("--step-timeout", type=_positive_float, default=60.0, help="seconds a policy step may take")
    p.add_argument("--obs-mode", choices=("state", "rgb", "rgbd"), default=None, help="default: state for the expert")
    p.add_argument("--video", type=_video, default=0, help="record the first N episodes of each cell, or 'failures'")
    p.add_argument("--out", default="arena-results")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "print-models",
        help="export printable STL files of every task object, its size variants and the distractor toys",
        description="Writes binary STL (millimetres, one file per printable part, lying in its print orientation) "
        "and manifest.yaml into OUTPUT, from the same parametric shapes the simulator uses. Every part is checked "
        "for printability first; files are replaced atomically.",
    )
    p.add_argument("--tasks", default=None, help="comma-separated task names (default: all)")
    p.add_argument(
        "--scales", default=None, help="comma-separated scales (default: 1.0 and the ends of each object's size range)"
    )
    p.add_argument("--no-distractors", action="store_true", help="leave out the distractor toy set")
    p.add_argument("--picture", action="store_true", help="also render OUTPUT/print_set.png with MuJoCo")
    p.add_argument("-o", "--output", default="print_models")
    p.set_defaults(func=cmd_print_models)

    p = sub.add_parser("contact-sheet", help="picture of every perturbation axis: a row per axis, a few seeds each")
    p.add_argument("--task", choices=tasks, required=True)
    p.add_argument("--seeds", type=_positive_int, default=4, help="number of seeds per row (0..N-1)")
    p.add_argument("--cameras", type=_names("camera", CAMERAS), default=["front", "left_shoulder"])
    p.add_argument("--size", type=_positive_int, default=128)
    p.add_argument("-o", "--output", default="contact_sheet.png")
    p.set_defaults(func=cmd_contact_sheet)

    p = sub.add_parser("report", help="summarise results files")
    p.add_argument("results", nargs="+", type=Path)
    p.add_argument("-o", "--output", default="arena-report")
    p.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
