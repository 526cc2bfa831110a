"""The ``arena`` command line: tasks, render, rollout, eval, report, contact-sheet, print-models, demos, train,
merge, sweep-alpha, serve, submit, leaderboard, real (plan, calibrate, run, twin, export, correlate).

Every user-facing error is one line on stderr, ``arena <command>: <what was wrong and what is allowed>``, with
exit code 2: argument errors, Arena's own errors (:class:`~arena.errors.ArenaError`) and file-system errors on the
paths the user gave. Heavy modules are imported inside the command that needs them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from arena.arguments import choice as _choice
from arena.arguments import names as _names
from arena.arguments import non_negative_float as _non_negative_float
from arena.arguments import non_negative_int as _non_negative_int
from arena.arguments import positive_float as _positive_float
from arena.arguments import positive_int as _positive_int
from arena.errors import ArenaError

EXIT_USAGE = 2


class UsageError(ArenaError, ValueError):
    """A command-line value that cannot be used (a path of the wrong kind, a bad list)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``arena eval: argument --tasks: ...  (see arena eval --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _video(text: str) -> int:
    """``failures`` (-1) or a non-negative count of episodes per cell."""
    return -1 if text == "failures" else _non_negative_int(text)


def output_file(path: str | Path, suffixes: Sequence[str]) -> Path:
    """A file the command will write: its folder is created, a folder or a wrong extension is refused."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name ending in {' or '.join(suffixes)}")
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{path} must end in {' or '.join(suffixes)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create folder {path.parent}: {error.strerror or error}") from None
    return path


def output_folder(path: str | Path) -> Path:
    """A folder the command will write into (created if missing); an existing file is refused."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} is a file; give a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create folder {path}: {error.strerror or error}") from None
    return path


def cmd_tasks(args: argparse.Namespace) -> int:
    from arena.spec.axes import applicable_axes
    from arena.spec.axis_names import AXIS_NAMES
    from arena.spec.task import load_task, task_names

    for name in task_names():
        task = load_task(name)
        objects = ", ".join(f"{o.name} ({o.role}, {o.shape.kind})" for o in task.objects)
        variants = "; ".join(f"{k}: {'/'.join(v)}" for k, v in task.variants.items()) or "-"
        print(f"{name:20s} max_steps={task.max_steps:<4d} objects: {objects}; variants: {variants}")
        if args.verbose:
            print(f"    {task.description}\n    randomised: {task.randomizations}")
            print(f"    success: {task.success_conditions}")
            print(f"    axes: None, {', '.join(applicable_axes(task))}, All")
    print(f"ids: Arena-<Task> or Arena-<Task>-<Axis>; axes: {', '.join(AXIS_NAMES)}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    import imageio.v2 as imageio
    import numpy as np

    import arena

    output = output_file(args.output, (".png", ".jpg", ".jpeg"))
    env = arena.make(f"Arena-{args.task}", cameras=tuple(args.cameras), image_size=args.size)
    try:
        obs, info = env.reset(seed=args.seed)
    finally:
        env.close()
    image = np.concatenate([obs[f"images/{camera}"] for camera in args.cameras], axis=1)
    imageio.imwrite(output, image)
    instruction = info["episode_config"].instruction
    print(f"{output}: {', '.join(args.cameras)} of {args.task} seed {args.seed} ({instruction!r})")
    return 0


def cmd_rollout(args: argparse.Namespace) -> int:
    import imageio.v2 as imageio

    import arena
    from arena.eval.policies import build_policy, env_kwargs, resolve_policy
    from arena.eval.runner import run_episode

    video = output_file(args.video, (".mp4",)) if args.video else None
    env = arena.make(f"Arena-{args.task}", **env_kwargs(resolve_policy(args.policy)))
    try:
        policy = build_policy(args.policy, env)
        camera = args.camera or env.unwrapped.task.video_camera
        outcome, frames = run_episode(env, policy, args.seed, frame_camera=camera if video else None)
        if video:
            imageio.mimwrite(video, frames, fps=env.metadata["render_fps"], macro_block_size=1)
    finally:
        env.close()
    summary = {k: v for k, v in outcome.items() if k != "episode_config"}
    summary["config_hash"] = outcome["episode_config"].config_hash
    summary["instruction"] = outcome["episode_config"].instruction
    print(json.dumps(summary))
    return 0 if outcome["error"] is None else 1


def cmd_demos(args: argparse.Namespace) -> int:
    from arena.data.demos import dataset_hash, record_demos

    out = output_folder(args.out)
    try:
        folder = record_demos(
            args.tasks, args.axes, args.episodes, out, cameras=args.cameras, image_size=args.size, workers=args.workers
        )
    except KeyboardInterrupt:
        print(f"interrupted: recorded episodes are staged in {out}; run the same command to resume")
        return 130
    print(f"{folder}: LeRobot v3.0 dataset, sha256 {dataset_hash(folder)}")
    return 0


def _learned(module: str, command: str):  # noqa: ANN202 - a module of arena.policies.learned
    """``arena.policies.learned.<module>``, or a one-line error saying the learning extra is missing."""
    import importlib

    try:
        return importlib.import_module(f"arena.policies.learned.{module}")
    except ImportError as error:
        raise UsageError(
            f"arena {command} needs the learning extra ({error.name} is missing): "
            "pip install torch==2.13.0 && pip install -e '.[learning]'"
        ) from None


def cmd_train(args: argparse.Namespace) -> int:
    folder = _learned("training", "train").train(
        args.policy, args.data, args.out, tasks=args.tasks, steps=args.steps, device=args.device,
        cameras=args.cameras, chunk=args.chunk, batch_size=args.batch_size, learning_rate=args.lr, seed=args.seed,
        workers=args.workers, threads=args.threads, init=args.init, episodes_per_task=args.episodes_per_task,
        stats_tasks=args.stats_tasks,
    )  # fmt: skip
    print(f"{folder}: checkpoint ({args.policy}); evaluate with arena eval --policy checkpoint:{folder}")
    return 0


def _module_alphas(text: str) -> dict[str, float]:
    """``vision=1,language=0.5`` -> {"vision": 1.0, "language": 0.5}."""
    out = {}
    for item in (i for i in text.split(",") if i):
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise argparse.ArgumentTypeError(f"expected group=alpha pairs like vision=1,action=0.5, got {item!r}")
    return out


def cmd_merge(args: argparse.Namespace) -> int:
    out = _learned("merging", "merge").merge_checkpoints(
        args.base, args.finetuned, args.out, alpha=args.alpha, method=args.method,
        alpha_by_module=args.alpha_by_module, seed=args.seed, density=args.density,
    )  # fmt: skip
    print(f"{out}: merged checkpoint ({args.method}); evaluate with arena eval --policy checkpoint:{out}")
    return 0


def _alphas(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers like 0,0.5,1, got {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one alpha")
    return values


def cmd_sweep_alpha(args: argparse.Namespace) -> int:
    path = _learned("sweep", "sweep-alpha").sweep_alpha(
        args.base, args.finetuned, args.alphas, args.target, args.axes, args.generalist_tasks, args.episodes,
        output_folder(args.out), method=args.method, workers=args.workers, backend=args.backend,
        alpha_by_module=args.alpha_by_module,
    )  # fmt: skip
    print(path.read_text())
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from arena.eval.evaluation import evaluate
    from arena.eval.report import write_report

    out = output_folder(args.out)
    if args.policy_keys:
        from arena.policies.remote.client import with_keys

        args.policy = with_keys(args.policy, args.policy_keys)
    try:
        path = evaluate(
            args.policy,
            args.tasks,
            args.axes,
            args.episodes,
            out,
            workers=args.workers,
            backend=args.backend,
            ray_address=args.ray_address,
            videos=args.video,
            obs_mode=args.obs_mode,
            max_steps=args.max_steps,
            step_timeout=args.step_timeout,
        )
    except KeyboardInterrupt:
        print(f"interrupted: finished episodes are in {out}/results.jsonl; run the same command to resume")
        return 130
    report = write_report([path], out)
    print(f"results: {path}\nreport:  {report}")
    print(report.read_text())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from arena.policies.remote.server import DEFAULT_HOST, ServeSettings, serve_forever

    if args.host != DEFAULT_HOST:
        print(f"arena serve: warning: listening on {args.host}: anyone who reaches this port can query the policy")
    settings = ServeSettings(
        args.policy, args.host, args.port, args.max_batch, args.max_wait_ms, args.max_message_mb, args.task, args.device
    )

    def announce(port: int) -> None:
        print(f"arena serve: {args.policy} on ws://{args.host}:{port} (Ctrl-C stops)", flush=True)

    stats = serve_forever(settings, announce)
    print(f"arena serve: stopped; {json.dumps(stats)}")
    return 0


def cmd_contact_sheet(args: argparse.Namespace) -> int:
    from arena.eval.contact_sheet import write_contact_sheet

    output = output_file(args.output, (".png",))
    path = write_contact_sheet(
        args.task, output, seeds=tuple(range(args.seeds)), cameras=tuple(args.cameras), size=args.size
    )
    print(path)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from arena.eval.report import rebase_videos, write_report_of
    from arena.eval.results import read_results, results_path

    paths = [results_path(path) for path in args.results]
    out = Path(args.output)  # created once every file has been read
    records = []
    for path in paths:
        with warnings.catch_warnings(record=True) as dropped:  # a dropped last line: said below, once
            warnings.simplefilter("always")
            read = read_results(path)
        if not read:
            why = "".join(f" ({str(w.message).removeprefix(f'{path}: ')})" for w in dropped)
            raise UsageError(f"{path} holds no result records{why}; run arena eval first or give another file")
        for warning in dropped:
            warnings.warn(warning.message, stacklevel=1)
        records += rebase_videos(read, path, out)
    report = write_report_of(records, paths, output_folder(out))
    print(report.read_text())
    return 0


def _bed(text: str) -> tuple[float, float, float]:
    try:
        values = tuple(float(v) for v in text.lower().split("x"))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(v > 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected the bed as WxDxH millimetres, e.g. 210x210x220, got {text!r}")
    return values  # type: ignore[return-value]


def cmd_print_models(args: argparse.Namespace) -> int:
    import time

    from arena.printing.bed import DEFAULT_BED_MM
    from arena.printing.export import export_release, stale_files

    try:
        scales = None if args.scales is None else [float(v) for v in args.scales.split(",") if v]
    except ValueError:
        raise UsageError(f"--scales expects comma-separated numbers, got {args.scales!r}") from None
    tasks = None if args.tasks is None else [n for n in args.tasks.split(",") if n]
    bed = args.bed or DEFAULT_BED_MM
    start = time.perf_counter()
    items, _, manifest = export_release(args.output, tasks, scales, distractors=not args.no_distractors, bed=bed)
    out = Path(args.output)
    for item in items:
        size = " x ".join(f"{v:.1f}" for v in item.mesh.extents)
        supports = "supports" if item.placement.supports else "no supports"
        print(f"{item.file:50s} {size:>21s} mm  {item.mesh.volume / 1000:8.1f} cm3  {item.placement.up} up, {supports}")
    total = sum((out / item.file).stat().st_size for item in items)
    print(
        f"{len(items)} files, {total / 1024:.0f} KiB, all printability checks passed on a "
        f"{'x'.join(f'{v:g}' for v in bed)} mm bed ({time.perf_counter() - start:.1f} s); manifest: {manifest}"
    )
    stale = stale_files(out, items)
    if stale:
        print(f"note: {len(stale)} STL file(s) in {out} are not part of this export: {', '.join(stale)}")
    if args.picture:
        from arena.printing.picture import render_print_set

        print(f"picture: {render_print_set(out)}")
    return 0


def _task_list(text: str) -> list[str]:
    """Comma-separated task names, or ``none``."""
    from arena.spec.task import task_names

    return [] if text == "none" else _names("task", task_names())(text)


def cmd_submit(args: argparse.Namespace) -> int:
    from arena.leaderboard.bundle import build_submission, write_submission
    from arena.leaderboard.checksums import sha256_hex
    from arena.leaderboard.manifest import make_policy_card
    from arena.leaderboard.problems import InvalidSubmissionError

    output = output_file(args.output, (".zip",))
    card = make_policy_card(
        architecture=args.architecture, parameters=args.parameters, training_tasks=args.training_tasks,
        texture_split=args.texture_split, perturbed_data=args.perturbed_data == "yes", compute=args.compute,
        licence=args.licence, description=args.training_description,
    )  # fmt: skip
    try:
        data = build_submission(
            args.results, name=args.name, team=args.team, policy_card=card, policy=args.policy, partial=args.partial,
            paper=args.paper, code=args.code, checkpoint=args.checkpoint,
        )  # fmt: skip
    except InvalidSubmissionError as error:
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        grid = not args.partial and any(p.rule == "grid" for p in error.problems)
        hint = "; to submit a subset of the tasks, declare a partial track with --partial" if grid else ""
        print(f"arena submit: refused, nothing written: {len(error.problems)} problem(s) above{hint}", file=sys.stderr)
        return EXIT_USAGE
    write_submission(data, output)
    print(f"{output}: {len(data)} bytes, SHA-256 {sha256_hex(data)}; valid")
    return 0


def cmd_leaderboard_validate(args: argparse.Namespace) -> int:
    from arena.leaderboard.validator import validate_bundle

    results = [validate_bundle(path) for path in args.bundles]
    if args.json:
        print(json.dumps({"valid": all(r.valid for r in results), "bundles": [r.to_dict() for r in results]}, indent=2))
    for result in [] if args.json else results:
        summary = result.to_dict()
        if result.valid:
            print(f"{result.source}: valid ({summary['name']}, {summary['track']}, {summary['records']} records)")
        else:
            print(f"{result.source}: INVALID, {len(result.problems)} problem(s)")
            for problem in result.problems:
                print(f"  {problem}")
    return 0 if all(r.valid for r in results) else 1


def cmd_leaderboard_build(args: argparse.Namespace) -> int:
    from arena.leaderboard.scoring import percent
    from arena.leaderboard.site import build_site

    out = Path(args.output)
    for track in build_site(args.submissions, out):
        print(track.title)
        for entry in track.entries:
            scores = entry.scores
            print(f"  {entry.rank}. {entry.name}: All {percent(scores.all_axes.value)}, "
                  f"mean over axes {percent(scores.mean_over_axes.value)}")  # fmt: skip
    print(f"site: {out / 'index.html'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from arena.eval.evaluation import BACKENDS
    from arena.eval.protocol import EPISODES_PER_CELL
    from arena.leaderboard.manifest import TEXTURE_SPLITS
    from arena.policies.learned.config import MERGE_METHODS, POLICY_KINDS
    from arena.spec.axis_names import AXIS_NAMES
    from arena.spec.cameras import CAMERAS
    from arena.spec.task import task_names

    tasks = task_names()
    task_choice = _choice("task", tasks)
    parser = _Parser(prog="arena", description="Arena robot-manipulation generalisation benchmark")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("tasks", help="list the tasks, their objects, variants and applicable axes")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("render", help="render the first frame of an episode from several cameras")
    p.add_argument("--task", type=task_choice, required=True)
    p.add_argument("--seed", type=_non_negative_int, default=0)
    p.add_argument("--cameras", type=_names("camera", CAMERAS), default=list(CAMERAS))
    p.add_argument("--size", type=_positive_int, default=256)
    p.add_argument("-o", "--output", default="render.png", help="a .png or .jpg file")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("rollout", help="play one episode with a policy, optionally recording a video")
    p.add_argument("--task", type=task_choice, required=True)
    p.add_argument("--seed", type=_non_negative_int, default=0)
    p.add_argument("--policy", default="expert", help="expert, random, checkpoint:<folder or name>, module:factory")
    p.add_argument("--video", help="write an mp4 of the episode here")
    p.add_argument("--camera", type=_choice("camera", CAMERAS), default=None, help="default: the task's video camera")
    p.set_defaults(func=cmd_rollout)

    p = sub.add_parser(
        "eval",
        help="evaluate a policy on a task x axis grid (resumable)",
        description="Runs the protocol episodes of a task x axis grid and appends one JSON line per episode to "
        "OUT/results.jsonl; rerunning the same command resumes. Writes OUT/report.md and OUT/report.html.",
    )
    p.add_argument(
        "--policy", default="expert", help="expert, random, checkpoint:<folder or shipped name> or module:factory"
    )
    p.add_argument("--tasks", type=_names("task", tasks), default=list(tasks), help="comma-separated (default: all)")
    p.add_argument(
        "--axes", type=_names("axis", AXIS_NAMES), default=list(AXIS_NAMES), help="comma-separated (default: all)"
    )
    p.add_argument("--episodes", type=_positive_int, default=EPISODES_PER_CELL, help="episodes per cell (protocol: 25)")
    p.add_argument("--workers", type=_non_negative_int, default=os.cpu_count() or 1, help="0 = in this process")
    p.add_argument("--backend", type=_choice("backend", BACKENDS), default="local")
    p.add_argument("--ray-address", default=None, help="'auto' or host:port; default starts a local Ray instance")
    p.add_argument("--max-steps", type=_positive_int, default=None, help="override the tasks' episode length")
    p.add_argument("--step-timeout", type=_positive_float, default=60.0, help="seconds a policy step may take")
    p.add_argument(
        "--obs-mode",
        type=_choice("obs mode", ("state", "rgb", "rgbd")),
        default=None,
        help="default: what the policy declares",
    )
    p.add_argument("--video", type=_video, default=0, help="record the first N episodes of each cell, or 'failures'")
    p.add_argument("--out", default="arena-results")
    p.add_argument(
        "--policy-keys",
        default=None,
        help="remote policies: observation keys the server expects (arena, libero, droid or a YAML mapping file)",
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "serve",
        help="serve a policy over openpi's WebSocket protocol, batching concurrent requests",
        description="Serves POLICY (checkpoint:CKPT, random or module:factory) to arena eval --policy "
        "remote:ws://HOST:PORT and openpi clients; one session per connection; SIGINT/SIGTERM stop it.",
    )
    p.add_argument("--policy", required=True, help="checkpoint:<folder or shipped name>, random or module:factory")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    p.add_argument("--port", type=_non_negative_int, default=8000, help="0 picks a free port")
    p.add_argument("--max-batch", type=_positive_int, default=16, help="requests answered by one forward pass")
    p.add_argument("--max-wait-ms", type=_non_negative_float, default=5.0, help="wait this long to fill a batch")
    p.add_argument("--max-message-mb", type=_positive_float, default=16.0, help="largest request accepted")
    p.add_argument("--task", type=task_choice, default=None, help="task of the env the policy is built with")
    p.add_argument("--device", default="cpu", help="where a checkpoint: policy runs: cpu or cuda (cuda:N)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "demos",
        help="record scripted-expert demonstrations as a LeRobot v3.0 dataset (resumable)",
        description="Records EPISODES successful expert episodes per task x axis into OUT as a LeRobot v3.0 dataset "
        "(parquet + one MP4 per camera; every episode's EpisodeConfig in meta/episodes). Failed expert seeds are "
        "logged and skipped; perturbed demos use the train texture split only. Rerunning resumes.",
    )
    p.add_argument("--tasks", type=_names("task", tasks), default=list(tasks), help="comma-separated (default: all)")
    p.add_argument("--axes", type=_names("axis", AXIS_NAMES), default=["None"], help="comma-separated (default: None)")
    p.add_argument("--episodes", type=_positive_int, default=100, help="successful episodes per task x axis")
    p.add_argument("--cameras", type=_names("camera", CAMERAS), default=["front", "wrist"])
    p.add_argument("--size", type=_positive_int, default=128, help="image side in pixels (even)")
    p.add_argument("--workers", type=_non_negative_int, default=os.cpu_count() or 1, help="0 = in this process")
    p.add_argument("--out", required=True, help="dataset folder")
    p.set_defaults(func=cmd_demos)

    p = sub.add_parser(
        "train",
        help="train a vla or bc policy on a demonstration dataset; writes a checkpoint folder",
        description="Fits a policy to an arena demos dataset and writes OUT/model.safetensors + OUT/config.json. "
        "vla: one multi-task language-conditioned policy over frozen EfficientNet-Lite0 / MiniLM features. "
        "bc: a per-task CNN trained from scratch (give one task). Needs the learning extra.",
    )
    p.add_argument("--policy", type=_choice("policy kind", POLICY_KINDS), required=True)
    p.add_argument("--data", required=True, help="an arena demos dataset folder")
    p.add_argument("--tasks", type=_names("task", tasks), default=None, help="comma-separated (default: all in data)")
    p.add_argument("--steps", type=_positive_int, default=10_000)
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--cameras", type=_names("camera", CAMERAS), default=None, help="default: every camera in data")
    p.add_argument("--chunk", type=_positive_int, default=10, help="actions predicted per step (action chunk)")
    p.add_argument("--batch-size", type=_positive_int, default=64)
    p.add_argument("--lr", type=_positive_float, default=3e-4)
    p.add_argument("--seed", type=_non_negative_int, default=0)
    p.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1, help="processes encoding frames")
    p.add_argument("--threads", type=_positive_int, default=None, help="torch threads (default: torch's choice)")
    p.add_argument("--init", default=None, help="finetune this checkpoint (keeps its statistics: mergeable with it)")
    p.add_argument("--episodes-per-task", type=_positive_int, default=None, help="use each task's first N demos")
    p.add_argument(
        "--stats-tasks",
        type=_names("task", tasks),
        default=None,
        help="normalisation statistics over these tasks' demos (default: the training tasks)",
    )
    p.add_argument("--out", required=True, help="checkpoint folder")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "merge",
        help="merge a base and a finetuned checkpoint (RETAIN-style weight interpolation)",
        description="Writes OUT, a checkpoint whose weights combine BASE's and FINETUNED's: linear (1-a)*base + "
        "a*finetuned, slerp, task-arithmetic or dare; per-module alphas by declared name patterns. The two must "
        "share tensors, architecture, action spec, cameras and normalisation statistics.",
    )
    p.add_argument("base", help="checkpoint folder or shipped name (the generalist)")
    p.add_argument("finetuned", help="checkpoint folder (finetuned from base with arena train --init)")
    p.add_argument("--alpha", type=float, default=0.5, help="weight of the finetuned checkpoint (0 = base)")
    p.add_argument("--alpha-by-module", type=_module_alphas, default=None, help="e.g. vision=1,language=0.5,action=0.5")
    p.add_argument("--method", type=_choice("method", MERGE_METHODS), default="linear")
    p.add_argument("--density", type=float, default=0.5, help="dare: fraction of the task vector kept")
    p.add_argument("--seed", type=_non_negative_int, default=0, help="dare: the drop mask's seed")
    p.add_argument("-o", "--out", required=True, help="merged checkpoint folder")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser(
        "sweep-alpha",
        help="merge at several alphas and evaluate each: target task clean and perturbed, and the other tasks",
        description="For each alpha, merges BASE and FINETUNED into OUT/checkpoints/ and evaluates it (resumable) on "
        "the target task under None and --axes, and on --generalist-tasks under None; writes OUT/sweep.md, "
        "sweep.png (success vs alpha per group, Wilson 95%% intervals) and sweep.json.",
    )
    p.add_argument("base")
    p.add_argument("finetuned")
    p.add_argument("--alphas", type=_alphas, default=[0.0, 0.25, 0.5, 0.75, 1.0], help="comma-separated")
    p.add_argument("--target", type=task_choice, required=True)
    p.add_argument("--axes", type=_names("axis", AXIS_NAMES), default=["Lighting", "TableColor", "Distractors"])
    p.add_argument("--generalist-tasks", type=_names("task", tasks), default=[])
    p.add_argument("--episodes", type=_positive_int, default=EPISODES_PER_CELL)
    p.add_argument("--method", type=_choice("method", MERGE_METHODS), default="linear")
    p.add_argument(
        "--alpha-by-module", type=_module_alphas, default=None,
        help="hold module groups at fixed alphas, e.g. vision=0 (the others take the swept alpha)",
    )  # fmt: skip
    p.add_argument("--workers", type=_non_negative_int, default=os.cpu_count() or 1)
    p.add_argument("--backend", type=_choice("backend", BACKENDS), default="local")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_sweep_alpha)

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
    p.add_argument("--bed", type=_bed, default=None, help="printer bed WxDxH in mm (default 210x210x220)")
    p.add_argument("--no-distractors", action="store_true", help="leave out the distractor toy set")
    p.add_argument("--picture", action="store_true", help="also render OUTPUT/print_set.png with MuJoCo")
    p.add_argument("-o", "--output", default="print_models")
    p.set_defaults(func=cmd_print_models)

    p = sub.add_parser("contact-sheet", help="picture of every perturbation axis: a row per axis, a few seeds each")
    p.add_argument("--task", type=task_choice, required=True)
    p.add_argument("--seeds", type=_positive_int, default=4, help="number of seeds per row (0..N-1)")
    p.add_argument("--cameras", type=_names("camera", CAMERAS), default=["front", "left_shoulder"])
    p.add_argument("--size", type=_positive_int, default=128)
    p.add_argument("-o", "--output", default="contact_sheet.png", help="a .png file")
    p.set_defaults(func=cmd_contact_sheet)

    p = sub.add_parser("report", help="summarise results files (or the folders arena eval wrote)")
    p.add_argument("results", nargs="+", type=Path, help="results .jsonl files or arena eval --out folders")
    p.add_argument("-o", "--output", default="arena-report", help="folder for report.md and report.html")
    p.set_defaults(func=cmd_report)

    from arena.real.commands import add_real_commands  # argparse only; each real command imports what it runs

    add_real_commands(sub, _Parser)

    p = sub.add_parser(
        "submit",
        help="bundle one policy's results with a policy card into a leaderboard submission (validated first)",
        description="Writes OUTPUT, a zip of submission.json (versions, track, links, policy card), results.jsonl "
        "and SHA256SUMS. The bundle is validated as arena leaderboard validate would; an invalid one is not written "
        "and every problem is listed.",
    )
    p.add_argument("results", type=Path, help="a results .jsonl file or an arena eval --out folder")
    p.add_argument("--name", required=True, help="submission name: lower-case letters, digits, . _ - (the file name)")
    p.add_argument("--team", required=True)
    p.add_argument("--policy", default=None, help="which policy's records (when the file holds several)")
    p.add_argument("--partial", action="store_true", help="declare a partial track: only the tasks in the results")
    p.add_argument("--paper", default=None, help="http(s) URL")
    p.add_argument("--code", default=None, help="http(s) URL")
    p.add_argument("--checkpoint", default=None, help="http(s) URL")
    p.add_argument("--architecture", required=True, help="policy card: what the policy is")
    p.add_argument("--parameters", type=_non_negative_int, default=None, help="policy card: parameter count")
    p.add_argument("--training-tasks", type=_task_list, default=[], help="comma-separated tasks trained on, or none")
    p.add_argument("--texture-split", type=_choice("texture split", TEXTURE_SPLITS), required=True,
                   help="texture split of the training data (none: no textured training data)")  # fmt: skip
    p.add_argument("--perturbed-data", type=_choice("answer", ("yes", "no")), required=True,
                   help="whether the training data included perturbed episodes")  # fmt: skip
    p.add_argument("--training-description", default="", help="policy card: the training data in words")
    p.add_argument("--compute", required=True, help="policy card: training compute, e.g. '8000 steps, 2 CPU cores'")
    p.add_argument("--licence", required=True, help="policy card: licence of the policy (SPDX id)")
    p.add_argument("-o", "--output", default="submission.zip", help="a .zip file")
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("leaderboard", help="validate submission bundles and build the static leaderboard site")
    board = p.add_subparsers(dest="leaderboard_command", required=True, parser_class=_Parser)
    q = board.add_parser(
        "validate",
        help="check bundles without running or importing anything from them (exit 1 if any is invalid)",
        description="Checks each bundle's archive safety, checksums, submission.json and every result record "
        "against the protocol (seeds and configs recomputed, grid complete for its track). Each problem names the "
        "file, the record and the rule. Exit status 0: all valid, 1: some invalid.",
    )
    q.add_argument("bundles", nargs="+", type=Path, help="submission .zip files")
    q.add_argument("--json", action="store_true", help="machine-readable output for CI")
    q.set_defaults(func=cmd_leaderboard_validate)
    q = board.add_parser(
        "build",
        help="validate, score and rank every bundle in a folder and write the static site",
        description="Writes SITE/index.html (one table per track, sorted by rank), a page and heatmap per "
        "submission, the bundles and leaderboard.json. Works offline; any invalid bundle stops the build.",
    )
    q.add_argument("submissions", type=Path, help="folder of submission bundles (*.zip)")
    q.add_argument("-o", "--output", default="leaderboard-site", help="site folder (new, empty or an earlier site)")
    q.set_defaults(func=cmd_leaderboard_build)
    return parser


def _one_line(text: object) -> str:
    """``text`` on one line (a policy's or a library's message may span several)."""
    return " ".join(line.strip() for line in str(text).splitlines() if line.strip())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"arena {args.command}: warning: {_one_line(message)}", file=file or sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show_warning  # one line each, without Python's source-line echo
        try:
            return args.func(args)
        except ArenaError as error:
            print(f"arena {args.command}: {_one_line(error)}", file=sys.stderr)
        except OSError as error:  # a path the user gave that cannot be read or written
            where = f" {error.filename}" if error.filename else ""
            print(f"arena {args.command}: cannot use{where}: {_one_line(error.strerror or error)}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
