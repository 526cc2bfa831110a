"""``arena real plan|calibrate|run|twin|export|correlate``: the subcommands, added to ``arena``'s parser.

Only argparse here; each command imports what it needs when it runs (rclpy only for run, twin and export).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from arena.arguments import names as _names
from arena.arguments import non_negative_int as _non_negative_int
from arena.arguments import positive_int as _positive_int
from arena.real.errors import RealError


def _episode_config(args: argparse.Namespace):
    from arena.eval.protocol import episode_seed
    from arena.spec.sampling import sample_episode

    return sample_episode(args.task, args.axis, episode_seed(args.task, args.axis, args.episode))


def cmd_plan(args: argparse.Namespace) -> int:
    from arena.real.plan import write_plan
    from arena.real.robot_config import load_robot_config

    robot = load_robot_config(args.robot)
    index = write_plan(
        robot, [args.task], args.axes, args.episodes, Path(args.out), paper=args.paper, camera=args.camera
    )
    print(index)
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from arena.real.calibration import calibrate_from_image

    result = calibrate_from_image(args.robot, args.camera, args.image, paper=args.paper, write=not args.no_write)
    print(result.describe())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from arena.real.operator import ConsoleOperator, TwinOperator
    from arena.real.robot_config import load_robot_config
    from arena.real.ros import BridgeLink
    from arena.real.session import SessionSettings, live_view, run_session

    robot = load_robot_config(args.robot)
    settings = SessionSettings(
        policy=args.policy, tasks=(args.task,), axes=tuple(args.axes), episodes=args.episodes, out_dir=args.out,
        dry_run=args.dry_run, record=not args.no_record, max_steps=args.max_steps,
    )  # fmt: skip
    links: list[BridgeLink] = []

    def open_link(robot, cameras, publish):
        links.append(BridgeLink(robot, cameras, publish))
        return links[-1]

    if args.operator == "twin":
        operator = TwinOperator(lambda config_hash: links[0].twin_success(config_hash) if links else None)
    else:
        operator = ConsoleOperator()
    live = live_view(robot, lambda camera: links[0].image(camera) if links else None, args.camera, args.out)
    path = run_session(robot, settings, operator, link_factory=open_link, live_report=live)
    print(f"results: {path}")
    return 0


def cmd_twin(args: argparse.Namespace) -> int:
    from arena.real.robot_config import load_robot_config
    from arena.real.twin import run_twin

    robot = load_robot_config(args.robot)
    first = _episode_config(args) if args.task else None
    periods = run_twin(robot, tuple(args.cameras) if args.cameras else None, first, duration_s=args.duration)
    print(f"twin: {periods} control periods")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from arena.real.recording import export_video

    print(export_video(args.bag, args.output, topic=args.topic, fps=args.fps))
    return 0


def cmd_correlate(args: argparse.Namespace) -> int:
    from arena.real.correlation import write_correlation

    report = write_correlation(args.sim, args.real, Path(args.out))
    print(report.read_text())
    return 0


def add_real_commands(sub: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add ``arena real ...`` to ``arena``'s subcommands."""
    from arena.spec.axis_names import AXIS_NAMES
    from arena.spec.cameras import CAMERAS
    from arena.spec.task import task_names

    tasks = task_names()
    real = sub.add_parser(
        "real",
        help="real-robot sessions over ROS 2: plan, calibrate, run, twin, export, correlate",
        description="The same EpisodeConfig that drives the simulator drives a physical arm (docs/real.md).",
    )
    commands = real.add_subparsers(dest="real_command", required=True, parser_class=parser_class)

    def grid(p: argparse.ArgumentParser) -> None:
        p.add_argument("--task", choices=tasks, required=True, metavar="TASK")
        p.add_argument("--axes", type=_names("axis", AXIS_NAMES), default=["None"], help="comma-separated")
        p.add_argument("--episodes", type=_positive_int, default=10, help="episodes per axis")
        p.add_argument("--robot", required=True, help="robot.yaml (see real/examples/franka_panda.yaml)")

    p = commands.add_parser("plan", help="operator guide: per-episode sheets, 1:1 placement mats, reference renders")
    grid(p)
    p.add_argument("--paper", choices=("a4", "letter"), default="a4")
    p.add_argument("--camera", default="front", help="the calibrated camera of the reference renders")
    p.add_argument("-o", "--out", required=True, help="session folder (sheets/ goes inside)")
    p.set_defaults(func=cmd_plan)

    p = commands.add_parser("calibrate", help="camera pose from a photo of the placement mat's markers")
    p.add_argument("--robot", required=True)
    p.add_argument("--camera", choices=CAMERAS, default="front")
    p.add_argument("--image", required=True, help="a photo (png/jpg) from the camera showing the mat")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="the paper the mat was printed on")
    p.add_argument("--no-write", action="store_true", help="report the pose without writing it into robot.yaml")
    p.set_defaults(func=cmd_calibrate)

    p = commands.add_parser("run", help="run real episodes over ROS 2 (resumable; needs the ros extra)")
    grid(p)
    p.add_argument("--policy", default="expert", help="expert (planned), random, checkpoint:..., module:factory")
    p.add_argument("--operator", choices=("console", "twin"), default="console", help="twin: arena real twin judges")
    p.add_argument("--dry-run", action="store_true", help="compute commands, publish nothing")
    p.add_argument("--no-record", action="store_true", help="write no rosbag2 files")
    p.add_argument("--camera", default="front", help="the calibrated camera of the live set-up view")
    p.add_argument("--max-steps", type=_positive_int, default=None)
    p.add_argument("-o", "--out", required=True, help="session folder")
    p.set_defaults(func=cmd_run)

    p = commands.add_parser("twin", help="a MuJoCo Panda on the robot's topics (needs the ros extra)")
    p.add_argument("--robot", required=True)
    p.add_argument("--cameras", type=_names("camera", CAMERAS), default=None, help="default: robot.yaml's")
    p.add_argument("--task", choices=tasks, default=None, help="first scene (later ones come from the bridge)")
    p.add_argument("--axis", choices=AXIS_NAMES, default="None")
    p.add_argument("--episode", type=_non_negative_int, default=0)
    p.add_argument("--duration", type=float, default=None, help="seconds to run (default: until stopped)")
    p.set_defaults(func=cmd_twin)

    p = commands.add_parser("export", help="video of a recorded episode's camera topic")
    p.add_argument("bag", help="a bag folder written by arena real run")
    p.add_argument("-o", "--output", required=True, help="an .mp4 file")
    p.add_argument("--topic", default=None, help="image topic (default: the first)")
    p.add_argument("--fps", type=float, default=None, help="default: the recorded rate")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser("correlate", help="sim-vs-real success per axis and task: R², Pearson r, MMRV, plots")
    p.add_argument("sim", nargs="+", type=Path, help="sim results files or arena eval folders")
    p.add_argument("--real", nargs="+", type=Path, required=True, help="real results files or session folders")
    p.add_argument("-o", "--out", default="sim-real", help="folder for correlation.md and the plots")
    p.set_defaults(func=cmd_correlate)


__all__ = ["RealError", "add_real_commands"]
