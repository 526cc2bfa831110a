"""``arena real run``: a session of real episodes, resumable like ``arena eval``.

Per episode: draw the ``EpisodeConfig`` from the protocol seed (the same as the simulator's), announce it, show the
operator the sheet and live report and wait for the confirmation, record a rosbag2 file while the policy runs at
the control rate, hold the arm, ask for the success label and append one result record (``source: real``) to
``SESSION/results.jsonl``. Episodes already in that file are skipped. SIGINT/SIGTERM end the running episode with
the arm held; the record is written and the session stops.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arena.eval.policies import build_policy, env_kwargs, resolve_policy
from arena.eval.protocol import EpisodeKey, episode_grid
from arena.eval.results import RESULTS_FILE, ResultsWriter
from arena.eval.runner import make_record
from arena.real.bridge import ControlLoop
from arena.real.operator import EpisodeBrief, Operator
from arena.real.recording import CONFIG_KEY, EpisodeRecorder
from arena.real.robot_config import RobotConfig
from arena.spec.episode import EpisodeConfig
from arena.spec.sampling import sample_episode
from arena.spec.task import load_task


@dataclass(frozen=True)
class SessionSettings:
    """What a session runs.

    Attributes:
        policy: Policy name as for ``arena eval`` (``expert`` is the planned expert of :mod:`arena.real.expert_plan`).
        tasks, axes, episodes: The protocol grid.
        out_dir: Session folder: ``results.jsonl``, ``bags/``, ``sheets/`` (from ``arena real plan``).
        dry_run: Compute every command but publish nothing.
        record: Write a rosbag2 MCAP file per episode.
        max_steps: Override of the tasks' episode length (control steps).
    """

    policy: str
    tasks: tuple[str, ...]
    axes: tuple[str, ...]
    episodes: int
    out_dir: str
    dry_run: bool = False
    record: bool = True
    max_steps: int | None = None


def bag_path(out_dir: str | Path, key: EpisodeKey) -> Path:
    """Where an episode's recording goes."""
    return Path(out_dir) / "bags" / f"{key.task}_{key.axis}_{key.index:03d}"


def sheet_path(out_dir: str | Path, key: EpisodeKey) -> Path:
    """Where ``arena real plan`` writes an episode's sheet."""
    return Path(out_dir) / "sheets" / f"{key.task}_{key.axis}_{key.index:03d}" / "sheet.html"


class _Signals:
    """SIGINT/SIGTERM set a flag (the loop holds the arm and stops) instead of killing the process mid-command."""

    def __init__(self) -> None:
        self.caught = threading.Event()
        self._saved: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                self._saved[number] = signal.signal(number, lambda *_: self.caught.set())
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._saved.items():
            signal.signal(number, handler)


def _policy_for(
    name: str, config: EpisodeConfig, robot: RobotConfig, built: dict[str, tuple]
) -> tuple[Any, str, tuple[str, ...], tuple]:
    """The policy, its control mode, cameras and image size for one episode. The planned expert is made per episode
    (it plans that episode); any other policy is built once per task and kept in ``built`` with its env."""
    if name == "expert":
        from arena.real.expert_plan import PlannedExpert

        policy = PlannedExpert(
            config, robot.limits.linear_speed / robot.control_hz, robot.limits.angular_speed / robot.control_hz
        )
        return policy, "ee_pose", (), (128, 128)
    if config.task in built:
        return built[config.task][:4]
    from arena.env import ArenaEnv

    kwargs = env_kwargs(resolve_policy(name))
    cameras = tuple(kwargs.get("cameras", ("front", "wrist"))) if kwargs["obs_mode"] != "state" else ()
    for camera in cameras:
        robot.camera(camera)  # the robot must have every camera the policy looks at
    size = kwargs.get("image_size", 128)
    size = (size, size) if isinstance(size, int) else tuple(size)
    env = ArenaEnv(config.task, config.axis, **{**kwargs, "cameras": cameras or ("front",), "image_size": size})
    built[config.task] = (build_policy(name, env), env.controller.mode, cameras, size, env)
    return built[config.task][:4]


def run_session(
    robot: RobotConfig,
    settings: SessionSettings,
    operator: Operator,
    link_factory: Callable[[RobotConfig, tuple[str, ...], bool], Any] | None = None,
    live_report: Callable[[EpisodeConfig], Callable[[], str] | None] | None = None,
) -> Path:
    """Run the session's pending episodes; return the results file.

    ``link_factory(robot, cameras, publish)`` opens the robot's topics (default :class:`arena.real.ros.BridgeLink`);
    ``live_report(config)`` gives the operator's live set-up report for an episode (None: no calibrated camera).
    """
    if link_factory is None:
        from arena.real.ros import BridgeLink

        link_factory = BridgeLink
    out = Path(settings.out_dir)
    writer = ResultsWriter(out / RESULTS_FILE)
    keys = writer.pending(
        episode_grid(list(settings.tasks), list(settings.axes), settings.episodes, settings.policy)
    )  # fmt: skip
    link = link_factory(robot, tuple(robot.cameras), not settings.dry_run)
    built: dict[str, tuple] = {}  # task -> policy and the env it was built for
    operator.say(f"{len(keys)} episode(s) to run; results in {out / RESULTS_FILE}" + (" (dry run)" * settings.dry_run))
    try:
        with _Signals() as signals:
            for key in keys:
                if signals.caught.is_set():
                    break
                record = _run_episode(robot, settings, operator, link, key, signals.caught, live_report, built)
                if record is not None:
                    writer.write(record)
                    operator.say(f"{key.task}/{key.axis}/{key.index}: success={record['success']}")
    finally:
        link.close()
        for *_, env in built.values():
            env.close()
    return writer.path


def _run_episode(
    robot: RobotConfig,
    settings: SessionSettings,
    operator: Operator,
    link: Any,
    key: EpisodeKey,
    caught: threading.Event,
    live_report: Callable | None,
    built: dict[str, tuple],
) -> dict[str, Any] | None:
    config = sample_episode(key.task, key.axis, key.seed)
    policy, mode, cameras, size = _policy_for(settings.policy, config, robot, built)
    sheet = sheet_path(settings.out_dir, key)
    brief = EpisodeBrief(
        key.task, key.axis, key.index, config.config_hash, config.instruction, str(sheet) if sheet.exists() else None
    )
    link.announce_episode(config.to_json())
    if not operator.confirm(brief, live_report(config) if live_report else None):
        operator.say(f"skipped {key.task}/{key.axis}/{key.index}")
        return None
    loop = ControlLoop(robot, link, cameras, size, mode)
    recorder = None
    if settings.record:
        metadata = {CONFIG_KEY: config.to_json(), "arena.robot": robot.name, "arena.policy": settings.policy}
        recorder = EpisodeRecorder(bag_path(settings.out_dir, key), link.recorded_topics, metadata)
        link.recorder = recorder
    link.clear_estop()
    start = time.perf_counter()
    try:
        outcome = loop.run(
            policy,
            config.instruction,
            key.seed,
            settings.max_steps or load_task(key.task).max_steps,
            poll=operator.poll,
            should_stop=caught.is_set,
        )
    finally:
        if recorder is not None:
            time.sleep(0.2)  # the last messages (the hold command, joint states) reach the bag
            link.recorder = None
            recorder.close()
    duration = time.perf_counter() - start
    success = False if outcome.ended_by in ("estop", "signal") else operator.label(brief)
    metadata = policy.metadata() if callable(getattr(policy, "metadata", None)) else {}
    metadata = {
        **metadata,
        "real": {
            "robot": robot.name,
            "ended_by": outcome.ended_by,
            "holds": outcome.holds,
            "dry_run": settings.dry_run,
            "bag": str(bag_path(settings.out_dir, key).relative_to(settings.out_dir)) if recorder else None,
        },
    }
    return make_record(
        key,
        config_hash=config.config_hash,
        episode_config=config.to_dict(),
        policy_metadata=json.loads(json.dumps(metadata, default=str)),
        success=bool(success),
        steps=outcome.steps,
        duration_s=round(duration, 4),
        error=outcome.error,
        source="real",
    )


def plan_keys(tasks: Sequence[str], axes: Sequence[str], episodes: int) -> list[EpisodeKey]:
    """The episodes of a session grid (policy-free keys, as ``arena real plan`` lays them out)."""
    return episode_grid(list(tasks), list(axes), episodes, "-")


def live_view(robot: RobotConfig, image_of: Callable[[str], Any], camera: str, out_dir: str | Path):
    """A ``live_report`` for :func:`run_session`: each call writes ``SESSION/live/<camera>.png`` (the newest camera
    image with the episode's reference render blended over it) and returns the set-up report (camera distance from
    the episode's pose, objects on their outlines). None when ``camera`` is not calibrated."""
    cam = robot.cameras.get(camera)
    if cam is None or cam.position is None:
        return None

    def for_episode(config: EpisodeConfig) -> Callable[[], str]:
        import imageio.v2 as imageio

        from arena.real.bridge import fit_image
        from arena.real.calibration import setup_report
        from arena.real.plan import reference_render, wanted_camera_pose

        reference = reference_render(robot, camera, config)
        wanted = wanted_camera_pose(robot, camera, config)
        path = Path(out_dir) / "live" / f"{camera}.png"
        path.parent.mkdir(parents=True, exist_ok=True)

        def report() -> str:
            received = image_of(camera)
            if received is None:
                return f"live view: no {camera} image yet on {cam.topic}"
            image = received[0]
            blend = (0.5 * fit_image(image, reference.shape[:2]) + 0.5 * reference).astype("uint8")
            imageio.imwrite(path, blend)
            return f"live view with the reference render blended over it: {path}\n" + setup_report(
                image, cam.intrinsics, *wanted, config
            )

        return report

    return for_episode
