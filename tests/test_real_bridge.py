"""The bridge and the twin in two processes on loopback (ROS 2 over Fast DDS, a random domain): the planned expert
succeeds, the watchdog holds the arm when the twin goes silent, the e-stop ends an episode, commands stay in the
workspace, a dry run and an unconfirmed episode publish nothing, and the recording reads back with rosbags."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("rclpy", reason="needs the ros extra")

from arena.data.video import read_video  # noqa: E402
from arena.eval.results import read_results  # noqa: E402
from arena.real.kinematics import PandaKinematics  # noqa: E402
from arena.real.operator import ScriptedOperator, TwinOperator  # noqa: E402
from arena.real.recording import bag_episode, export_video, read_messages  # noqa: E402
from arena.real.robot_config import load_robot_config  # noqa: E402
from arena.real.session import SessionSettings, run_session  # noqa: E402

TASK = "SlideBlockToTarget"
ROBOT_YAML = """
robot: twin_panda
base_frame: base
joints:
  arm: [panda_joint1, panda_joint2, panda_joint3, panda_joint4, panda_joint5, panda_joint6, panda_joint7]
  fingers: [panda_finger_joint1, panda_finger_joint2]
home_joints: [0.0, -0.7854, 0.0, -2.3562, 0.0, 1.5708, 0.7854]
rates: {control_hz: 20}
topics: {joint_states: /joint_states, command: /arena/target_pose, command_type: geometry_msgs/msg/PoseStamped,
         gripper: /arena/gripper}
cameras:
  front: {topic: /camera/front/image_raw, type: sensor_msgs/msg/Image, rate_hz: 5,
          intrinsics: {width: 48, height: 48, fx: 51.5, fy: 51.5, cx: 24, cy: 24}}
limits: {workspace_low: [0.1, -0.55, 0.005], workspace_high: [0.9, 0.55, 0.6], linear_speed: 1.0,
         angular_speed: 5.0, joint_speed: 3.0}
watchdog: {observation_timeout_s: 0.5, image_timeout_s: 3.0, action_timeout_s: 2.0, abort_after_s: 1.5}
"""


class Climb:
    """A policy that keeps asking to go up (ee_delta +z), past the workspace's ceiling."""

    obs_mode = "state"

    def __init__(self, env) -> None:
        pass

    def reset(self, instruction, seed=None) -> None:
        pass

    def act(self, observation):
        return np.array([0.0, 0.0, 0.05, 0.0, 0.0, 0.0, -1.0])


@contextlib.contextmanager
def _twin_process(folder: Path, robot_yaml: str):
    """``arena real twin`` in its own process on a random ROS domain; yields (robot config, twin process)."""
    (folder / "robot.yaml").write_text(robot_yaml)
    saved = {k: os.environ.get(k) for k in ("ROS_DOMAIN_ID", "ROS_AUTOMATIC_DISCOVERY_RANGE")}
    os.environ["ROS_DOMAIN_ID"] = str(random.randint(1, 100))
    os.environ["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
    process = subprocess.Popen(
        [sys.executable, "-m", "arena.cli", "real", "twin", "--robot", str(folder / "robot.yaml"), "--task", TASK],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "MUJOCO_GL": os.environ.get("MUJOCO_GL", "egl")},
    )
    try:
        yield load_robot_config(folder / "robot.yaml"), process
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=20)
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


@pytest.fixture(scope="module")
def twin(tmp_path_factory):
    """The twin commanded with end-effector poses (PoseStamped)."""
    with _twin_process(tmp_path_factory.mktemp("twin"), ROBOT_YAML) as running:
        yield running


def _session(robot, out: Path, operator_for, **settings):
    """Run a one-episode session; ``operator_for(link)`` builds the operator from the bridge's link."""
    from arena.real.ros import BridgeLink

    links = []

    def open_link(robot, cameras, publish):
        links.append(BridgeLink(robot, cameras, publish))
        return links[-1]

    class Lazy:  # the operator needs the link the session opens
        def __getattr__(self, name):
            if "operator" not in self.__dict__:
                self.__dict__["operator"] = operator_for(links[0])
            return getattr(self.__dict__["operator"], name)

    fields = {"policy": "expert", "tasks": (TASK,), "axes": ("None",), "episodes": 1, "out_dir": str(out)}
    path = run_session(robot, SessionSettings(**{**fields, **settings}), Lazy(), link_factory=open_link)
    return read_results(path, missing_ok=True), links[0]


def _twin_judges(link):
    return TwinOperator(link.twin_success, wait_s=60)


class _Probe:
    """A second node that records every message on the command and gripper topics."""

    def __init__(self, robot) -> None:
        from arena.real.ros import BridgeLink

        self.messages: list[str] = []
        self.link = BridgeLink(robot, (), publish=False)
        watched = (robot.command_topic, robot.gripper_topic)
        self.link.recorder = lambda topic, kind, data, t: self.messages.append(topic) if topic in watched else None

    def close(self):
        self.link.close()


def test_a_short_session_with_the_planned_expert_succeeds_records_a_bag_and_resumes(twin, tmp_path):
    robot, _ = twin
    records, _ = _session(robot, tmp_path, _twin_judges)
    (record,) = records
    assert record["source"] == "real" and record["success"] is True and record["error"] is None
    assert record["policy_metadata"]["real"]["ended_by"] == "done"  # the twin's simulator saw the task done
    assert 0 < record["steps"] < 250
    bag = tmp_path / record["policy_metadata"]["real"]["bag"]
    assert bag_episode(bag).config_hash == record["config_hash"]
    topics = [topic for topic, *_ in read_messages(bag)]
    for topic in (robot.joint_states_topic, robot.command_topic, robot.gripper_topic, "/camera/front/image_raw"):
        assert topics.count(topic) > 5, topic
    video = export_video(bag, tmp_path / "front.mp4", "/camera/front/image_raw")  # arena real export
    frames = read_video(video)
    recorded = [m for _, _, _, m in read_messages(bag, ("/camera/front/image_raw",))]
    assert frames.shape == (len(recorded), recorded[0].height, recorded[0].width, 3)
    first = np.frombuffer(recorded[0].data, np.uint8).reshape(recorded[0].height, recorded[0].width, 3)
    assert np.abs(frames[0].astype(int) - first).mean() < 8  # the same picture, up to H.264 loss
    again, _ = _session(robot, tmp_path, _twin_judges)  # resumable: the episode is done, nothing runs
    assert again == records


def test_a_session_commanding_joint_trajectories_succeeds(tmp_path):
    """franka_ros2's interface: the bridge solves IK and sends one-point JointTrajectory messages; the twin tracks
    them in joint mode."""
    joint_yaml = ROBOT_YAML.replace(
        "command: /arena/target_pose, command_type: geometry_msgs/msg/PoseStamped",
        "command: /arena/joint_trajectory, command_type: trajectory_msgs/msg/JointTrajectory",
    )
    with _twin_process(tmp_path, joint_yaml) as (robot, _):
        assert robot.command_type == "trajectory_msgs/msg/JointTrajectory"
        (record,), _ = _session(robot, tmp_path / "session", _twin_judges)
    assert record["success"] is True and record["error"] is None, record["policy_metadata"]["real"]
    bag = tmp_path / "session" / record["policy_metadata"]["real"]["bag"]
    trajectories = [m for _, _, _, m in read_messages(bag, (robot.command_topic,))]
    assert len(trajectories) > 20 and all(len(m.points) == 1 for m in trajectories)
    assert list(trajectories[0].joint_names) == list(robot.arm_joints)


def test_the_watchdog_holds_the_arm_where_it_is_when_the_twin_stops_publishing(twin, tmp_path):
    robot, process = twin
    threading.Timer(4.0, lambda: process.send_signal(signal.SIGSTOP)).start()  # ~2 s into the episode
    try:
        records, _ = _session(robot, tmp_path, _twin_judges)
    finally:
        process.send_signal(signal.SIGCONT)
    (record,) = records
    assert record["policy_metadata"]["real"]["ended_by"] == "stale"
    assert "joint states stale" in record["error"] and record["success"] is False
    bag = tmp_path / record["policy_metadata"]["real"]["bag"]
    messages = list(read_messages(bag, (robot.joint_states_topic, robot.command_topic)))
    last_state = max(i for i, m in enumerate(messages) if m[0] == robot.joint_states_topic)
    after = [m[3].pose.position for m in messages[last_state + 1 :] if m[0] == robot.command_topic]
    held, _ = PandaKinematics().tcp_pose(np.array(messages[last_state][3].position[:7]))
    holding = [bool(np.allclose([p.x, p.y, p.z], held, atol=1e-6)) for p in after]
    # Within the staleness limit the loop still commands; once it notices, it holds the last measured pose to the end.
    assert sum(holding) >= 2 and all(holding[holding.index(True) :]), holding


def test_an_estop_on_the_topic_ends_the_episode_and_commands_stay_below_the_workspace_ceiling(twin, tmp_path):
    robot, _ = twin
    from arena.real.ros import BridgeLink

    button = BridgeLink(robot, (), publish=True)
    threading.Timer(5.0, button.send_estop).start()
    try:
        records, _ = _session(robot, tmp_path, _twin_judges, policy="tests.test_real_bridge:Climb")
    finally:
        button.close()
    (record,) = records
    assert record["policy_metadata"]["real"]["ended_by"] == "estop" and record["error"] == "e-stop"
    bag = tmp_path / record["policy_metadata"]["real"]["bag"]
    targets = [m.pose.position.z for _, _, _, m in read_messages(bag, (robot.command_topic,))]
    assert max(targets) <= robot.limits.workspace_high[2] + 1e-9  # clamped although the policy asked for more
    assert max(targets) > robot.limits.workspace_high[2] - 0.01  # and it did climb to the ceiling
    estops = [m.data for _, _, _, m in read_messages(bag, (robot.topics["estop"],))]
    assert estops and all(estops)


def test_a_dry_run_and_an_unconfirmed_episode_publish_nothing(twin, tmp_path):
    robot, _ = twin
    probe = _Probe(robot)
    try:
        declined, _ = _session(robot, tmp_path / "declined", lambda link: ScriptedOperator(confirmations=[False]))
        dry, link = _session(robot, tmp_path / "dry", lambda link: ScriptedOperator(done_after_polls=30), dry_run=True)
        time.sleep(0.3)
    finally:
        probe.close()
    assert declined == [] and not (tmp_path / "declined" / "bags").exists()
    (record,) = dry
    assert record["steps"] > 20 and record["policy_metadata"]["real"]["dry_run"] is True
    assert link.suppressed > 40  # commands were computed, none sent
    assert probe.messages == []
