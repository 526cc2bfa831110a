"""The real-robot bridge without ROS: robot.yaml checks, the safety layer and control loop on a fake link, the
placement mat's scale, calibration from a synthetic view of the mat, the operator guide and sim-real correlation."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from arena.eval.protocol import EpisodeKey, episode_seed
from arena.eval.runner import make_record
from arena.geometry import look_at_quat
from arena.real.bridge import ControlLoop
from arena.real.calibration import calibrate_from_image, detect_markers, estimate_camera_pose, synthetic_view
from arena.real.correlation import correlate, line_fit, mmrv, write_correlation
from arena.real.errors import CalibrationError, RobotConfigError, SafetyError
from arena.real.frames import optical_from_mujoco, pose_distance
from arena.real.mat import MARKERS, MatGeometry, draw_mat, tile_pages, write_mat
from arena.real.operator import ESTOP
from arena.real.robot_config import Intrinsics, load_robot_config, parse_robot_config
from arena.real.safety import CommandGuard
from arena.robot import panda
from arena.spec.sampling import sample_episode

EXAMPLE = Path(__file__).resolve().parents[1] / "real" / "examples" / "franka_panda.yaml"


def _example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text())


# ------------------------------------------------------------------------------------------------ robot.yaml
def test_the_franka_example_loads_with_its_cameras_limits_and_joint_trajectory_commands():
    robot = load_robot_config(EXAMPLE)
    assert robot.command_type == "trajectory_msgs/msg/JointTrajectory" and len(robot.arm_joints) == 7
    assert set(robot.cameras) == {"front", "wrist"} and robot.cameras["front"].position is not None
    assert robot.limits.linear_speed == 0.25 and robot.watchdog.observation_timeout_s == 0.1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["topics"].update(command_type="std_msgs/msg/String"), "topics.command_type"),
        (lambda r: r["joints"].update(arm=["a", "b"]), "joints.arm must name the 7 arm joints"),
        (lambda r: r["cameras"].update(top=r["cameras"]["front"]), "cameras.top is not an Arena camera"),
        (lambda r: r["limits"].update(linear_speed=-1), "limits.linear_speed must be positive"),
        (lambda r: r["limits"].update(workspace_low=[1, 0, 0]), "limits.workspace_low must be below"),
        (lambda r: r["topics"].update(joint_states="joint_states"), "must be an absolute topic name"),
        (lambda r: r.update(colour=1), "unknown field(s) colour"),
        (lambda r: r["cameras"]["front"]["extrinsics"].update(quaternion=[1, 1, 0, 0]), "unit quaternion"),
    ],
)
def test_a_bad_robot_yaml_is_refused_naming_the_field(change, message):
    raw = _example()
    change(raw)
    with pytest.raises(RobotConfigError, match=re.escape(message)):
        parse_robot_config(raw, "robot.yaml")


# ------------------------------------------------------------------------------------------------ safety
def test_the_guard_clamps_targets_to_the_workspace_box_and_the_speed_limits():
    robot = load_robot_config(EXAMPLE)  # 0.25 m/s and 1 rad/s at 20 Hz: 12.5 mm and 0.05 rad per step
    guard = CommandGuard(robot.limits, robot.control_hz)
    start = np.array([0.5, 0.0, 0.3])
    down = np.array([0.0, 1.0, 0.0, 0.0])
    guard.start(start, down)
    jump = guard.pose(start + [0.3, 0.0, 0.0], down)
    assert jump.changed and np.isclose(np.linalg.norm(jump.position - start), 0.0125)
    for _ in range(100):
        high = guard.pose(np.array([0.5, 0.0, 2.0]), down)
    assert high.position[2] == pytest.approx(robot.limits.workspace_high[2])
    turned = guard.pose(high.position, np.array([0.0, 0.0, 1.0, 0.0]))  # half a turn about z
    assert pose_distance(high.position, down, turned.position, turned.quaternion)[1] == pytest.approx(0.05)
    with pytest.raises(RuntimeError, match="measured joints"):  # no unlimited first joint target
        guard.joint_step(np.ones(7))
    guard.start(start, down, np.zeros(7))
    joints, changed = guard.joint_step(np.ones(7))
    assert changed and np.allclose(joints, 0.05)


class FakeLink:
    """A robot that reports a fixed arm state (fresh unless frozen) and remembers what it was sent."""

    def __init__(self, joints=panda.HOME_QPOS, pose_commands=True) -> None:
        self.joints = np.array(joints)
        self.frozen_at: float | None = None
        self.poses: list[np.ndarray] = []
        self.grippers: list[float] = []
        self.estops = 0
        self.stopped = False

    def joint_state(self):
        from arena.real.ros import JointSample

        return JointSample(self.joints, 0.08, self.frozen_at or time.monotonic())

    def image(self, camera):
        return np.zeros((8, 8, 3), np.uint8), time.monotonic()

    def estop(self):
        return self.stopped

    def send_pose(self, position, quaternion):
        self.poses.append(np.array(position))

    def send_joints(self, joints, seconds):
        self.poses.append(np.array(joints))

    def send_gripper(self, command):
        self.grippers.append(command)

    def send_estop(self, engaged=True):
        self.estops += 1


def _robot(**watchdog):
    raw = _example()
    raw["topics"]["command_type"] = "geometry_msgs/msg/PoseStamped"
    raw["watchdog"].update(watchdog)
    return parse_robot_config(raw)


class Up:
    obs_mode = "state"

    def __init__(self, delay=0.0):
        self.delay = delay

    def reset(self, instruction, seed=None):
        pass

    def act(self, obs):
        time.sleep(self.delay)
        return np.array([0.0, 0.0, 0.05, 0.0, 0.0, 0.0, 1.0])


def test_nothing_is_sent_before_the_operator_confirms():
    link = FakeLink()
    loop = ControlLoop(_robot(), link, control_mode="ee_delta")
    with pytest.raises(SafetyError, match="not confirmed"):
        loop.command(np.zeros(7))
    assert link.poses == [] and link.grippers == []


def test_arming_waits_briefly_for_a_new_links_first_joint_state_then_refuses():
    class Discovering(FakeLink):  # a link whose driver is discovered only after 0.1 s
        def __init__(self, after):
            super().__init__()
            self.ready = time.monotonic() + after

        def joint_state(self):
            return super().joint_state() if time.monotonic() >= self.ready else None

    ControlLoop(_robot(), Discovering(0.1), control_mode="ee_delta").arm(wait_s=2.0)
    silent = ControlLoop(_robot(), Discovering(60.0), control_mode="ee_delta")
    with pytest.raises(SafetyError, match="no joint states from the robot within 0.05 s; refusing to start"):
        silent.arm(wait_s=0.05)


def test_the_loop_clamps_a_climbing_policy_and_holds_the_arm_at_the_end():
    link = FakeLink()
    loop = ControlLoop(_robot(), link, control_mode="ee_delta")
    outcome = loop.run(Up(), "go up", 0, max_steps=12)
    assert outcome.ended_by == "max_steps" and outcome.steps == 12 and outcome.error is None
    tcp, _ = loop.kinematics.tcp_pose(panda.HOME_QPOS)
    # ee_delta targets lead the measured pose by at most 2 cm (the arm here never moves), and the last command holds
    assert max(p[2] for p in link.poses) <= tcp[2] + 0.02 + 1e-9
    assert np.allclose(link.poses[-1], tcp) and link.grippers[-1] == 1.0


def test_stale_joint_states_hold_the_arm_and_end_the_episode():
    link = FakeLink()
    link.frozen_at = time.monotonic()
    loop = ControlLoop(_robot(observation_timeout_s=0.05, abort_after_s=0.3), link, control_mode="ee_delta")
    loop.arm()  # armed while fresh enough ...
    time.sleep(0.1)  # ... then nothing new arrives
    outcome = loop.run(Up(), "", 0, max_steps=100)
    assert outcome.ended_by == "stale" and "joint states stale" in outcome.error
    tcp, _ = loop.kinematics.tcp_pose(panda.HOME_QPOS)
    assert outcome.steps == 0 and all(np.allclose(p, tcp) for p in link.poses)  # only holds were sent


def test_a_slow_policy_makes_the_watchdog_hold_the_arm():
    link = FakeLink()
    loop = ControlLoop(_robot(action_timeout_s=0.1), link, control_mode="ee_delta")
    outcome = loop.run(Up(delay=0.3), "", 0, max_steps=3)
    assert any("policy actions stale" in h for h in outcome.holds)


def test_the_estop_key_and_topic_end_the_episode():
    link = FakeLink()
    loop = ControlLoop(_robot(), link, control_mode="ee_delta")
    polls = iter([None, None, ESTOP])
    outcome = loop.run(Up(), "", 0, max_steps=50, poll=lambda: next(polls, ESTOP))
    assert outcome.ended_by == "estop" and outcome.steps == 2 and link.estops == 1
    link = FakeLink()
    link.stopped = True
    outcome = ControlLoop(_robot(), link, control_mode="ee_delta").run(Up(), "", 0, max_steps=50)
    assert outcome.ended_by == "estop" and outcome.steps == 0


# ------------------------------------------------------------------------------------------- mat, calibration
def test_the_placement_mat_is_true_to_scale_in_the_png_and_on_the_pdf_pages(tmp_path):
    config = sample_episode("StackBlocks", "Distractors", episode_seed("StackBlocks", "Distractors", 0))
    png, pdf = write_mat(config, tmp_path, "a4", dpi=100)
    found = detect_markers(np.asarray(__import__("PIL.Image").Image.open(png).convert("RGB")))
    assert set(found) == set(MARKERS)
    ppm = MatGeometry(100).ppm
    for a, b in ((0, 3), (1, 2)):  # marker centres: known table distance == distance on the image at its dpi
        pixels = np.linalg.norm(found[a].mean(axis=0) - found[b].mean(axis=0))
        assert pixels / ppm == pytest.approx(np.linalg.norm(np.subtract(MARKERS[a], MARKERS[b])), abs=0.002)
    boxes = [tuple(map(float, m)) for m in re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf.read_bytes())]
    assert boxes and all(w / 72 * 25.4 == pytest.approx(210, abs=0.3) for w, _ in boxes)
    assert all(h / 72 * 25.4 == pytest.approx(297, abs=0.3) for _, h in boxes)
    pages = tile_pages(draw_mat(None, MatGeometry(100)), MatGeometry(100), "letter")
    assert pages[0].size == (round(215.9 / 25.4 * 100), round(279.4 / 25.4 * 100))


def test_calibration_recovers_a_known_camera_pose_from_a_synthetic_view_and_writes_it(tmp_path):
    intrinsics = Intrinsics(640, 480, 520.0, 520.0, 320.0, 240.0)
    position = np.array([1.05, -0.12, 0.78])
    quaternion = optical_from_mujoco(look_at_quat(position, np.array([0.5, 0.05, 0.0])))
    image = synthetic_view(intrinsics, position, quaternion)
    pose = estimate_camera_pose(image, intrinsics)
    metres, radians = pose_distance(pose.position, pose.quaternion, position, quaternion)
    assert metres < 0.005 and radians < 0.005 and len(pose.markers) == 4
    raw = _example()
    raw["cameras"]["front"]["intrinsics"] = {
        "width": 640,
        "height": 480,
        "fx": 520.0,
        "fy": 520.0,
        "cx": 320,
        "cy": 240,
    }
    robot_path = tmp_path / "robot.yaml"
    robot_path.write_text(yaml.safe_dump(raw))
    __import__("imageio").v2.imwrite(tmp_path / "photo.png", image)
    calibrate_from_image(robot_path, "front", tmp_path / "photo.png")
    written = load_robot_config(robot_path).cameras["front"]
    assert np.allclose(written.position, pose.position) and (tmp_path / "robot.yaml.bak").exists()
    with pytest.raises(CalibrationError, match="found 0 of the mat's ArUco markers"):
        estimate_camera_pose(np.full((480, 640, 3), 128, np.uint8), intrinsics)


def test_the_setup_report_measures_the_camera_offset_and_sees_an_object_off_its_outline():
    from arena.real.calibration import outline_coverage

    config = sample_episode("StackBlocks", "None", episode_seed("StackBlocks", "None", 0))
    intrinsics = Intrinsics(640, 480, 520.0, 520.0, 320.0, 240.0)
    position = np.array([1.0, 0.0, 0.8])
    quaternion = optical_from_mujoco(look_at_quat(position, np.array([0.5, 0.0, 0.0])))
    bare = synthetic_view(intrinsics, position, quaternion)
    coverage = outline_coverage(bare, intrinsics, position, quaternion, config)
    assert all(v < 0.05 for v in coverage.values())  # nothing on the outlines
    filled = synthetic_view(intrinsics, position, quaternion, config)  # the episode's mat, nothing on it
    import cv2

    from arena.real.calibration import homography
    from arena.real.mat import object_outlines

    geometry = MatGeometry(100)
    h = homography(intrinsics, position, quaternion, geometry)
    for label, _, outlines, _ in object_outlines(config):
        if label == "top_block":  # a block on its outline: paint its footprint dark
            for outline in outlines:
                pts = np.array([geometry.to_pixels(x, y) for x, y in outline], np.float64).reshape(-1, 1, 2)
                cv2.fillPoly(
                    filled, [np.round(cv2.perspectiveTransform(pts, h).reshape(-1, 2)).astype(np.int32)], (200, 0, 0)
                )
    coverage = outline_coverage(filled, intrinsics, position, quaternion, config)
    assert coverage["top_block"] > 0.95 and coverage["bottom_block"] < 0.2


# ------------------------------------------------------------------------------------------------ plan
def test_the_plan_writes_a_sheet_with_parts_axis_settings_mat_and_reference_render(tmp_path):
    from arena.real.plan import write_plan

    index = write_plan(load_robot_config(EXAMPLE), ["StackBlocks"], ["All"], 1, tmp_path)
    folder = tmp_path / "sheets" / "StackBlocks_All_000"
    sheet = (folder / "sheet.html").read_text()
    assert "StackBlocks_All_000/sheet.html" in index.read_text()
    for expected in ("top_block", "arena print-models --tasks StackBlocks --scales", "Lighting", "light colour #",
                     "Friction", "not reproducible physically", "CameraPose", "mat.pdf"):  # fmt: skip
        assert expected in sheet, expected
    render = __import__("imageio").v2.imread(folder / "reference.png")
    assert render.shape == (360, 480, 3) and render.std() > 10  # 640x480 camera, scaled to 480


def test_the_planned_expert_is_retimed_to_the_speed_limits():
    from arena.real.expert_plan import PlannedExpert

    config = sample_episode("SlideBlockToTarget", "None", episode_seed("SlideBlockToTarget", "None", 0))
    fast = PlannedExpert(config, 0.05, 0.25)
    slow = PlannedExpert(config, 0.0125, 0.05)
    assert fast.simulated_success and len(slow.plan) > len(fast.plan) >= fast.raw_steps
    assert np.max(np.linalg.norm(np.diff(slow.plan[:, :3], axis=0), axis=1)) <= 0.0125 + 1e-9


# ------------------------------------------------------------------------------------------------ correlation
def _records(rates: dict[tuple[str, str, str], float], source: str, episodes: int = 10) -> list[dict]:
    records = []
    for (policy, task, axis), rate in rates.items():
        for index in range(episodes):
            extra = {"source": "real"} if source == "real" else {}
            success = index < round(rate * episodes)
            records.append(make_record(EpisodeKey(task, axis, index, policy), success=success, **extra))
    return records


def test_correlate_finds_a_known_r2_pearson_r_and_mmrv(tmp_path):
    axes = ["None", "Lighting", "TableColor", "Distractors"]
    # real = sim + e with e orthogonal to [1, sim]: R² = 0.2 / (0.2 + 0.04) = 5/6 exactly
    sim = dict(zip(axes, [0.2, 0.4, 0.6, 0.8], strict=True))
    real = dict(zip(axes, [0.3, 0.3, 0.5, 0.9], strict=True))
    sim_rates = {("expert", "StackBlocks", a): v for a, v in sim.items()}
    real_rates = {("expert", "StackBlocks", a): v for a, v in real.items()}
    # a second policy ranked the other way round in reality: MMRV = |0.3 - 0.6| = 0.3 on Hockey
    sim_rates |= {("a", "Hockey", "None"): 0.8, ("b", "Hockey", "None"): 0.5}
    real_rates |= {("a", "Hockey", "None"): 0.3, ("b", "Hockey", "None"): 0.6}
    result = correlate(_records(sim_rates, "sim"), _records(real_rates, "real"))
    fit = result.per_task["StackBlocks"]["expert"]
    assert fit.r2 == pytest.approx(5 / 6) and fit.pearson_r == pytest.approx(np.sqrt(5 / 6)) and fit.slope == 1.0
    assert result.mmrv_per_task["Hockey"] == pytest.approx(0.3) and result.mean_r2 == pytest.approx(5 / 6)
    assert mmrv([0.1, 0.5, 0.9], [0.2, 0.4, 0.8]) == 0.0 and line_fit([0.5], [0.5]).points == 1
    sim_file, real_file = tmp_path / "sim.jsonl", tmp_path / "real.jsonl"
    sim_file.write_text("".join(__import__("json").dumps(r) + "\n" for r in _records(sim_rates, "sim")))
    real_file.write_text("".join(__import__("json").dumps(r) + "\n" for r in _records(real_rates, "real")))
    report = write_correlation([sim_file], [real_file], tmp_path / "out")
    assert "R̄² = 0.833" in report.read_text() and (tmp_path / "out" / "scatter_StackBlocks.png").stat().st_size > 0


def test_the_live_view_blends_the_reference_render_and_measures_the_camera_from_the_mat(tmp_path):
    from arena.real.session import live_view

    raw = _example()
    position = np.array([1.0, 0.0, 0.8])
    quaternion = optical_from_mujoco(look_at_quat(position, np.array([0.5, 0.0, 0.0])))
    raw["cameras"]["front"]["extrinsics"] = {"position": position.tolist(), "quaternion": quaternion.tolist()}
    robot = parse_robot_config(raw)
    config = sample_episode("StackBlocks", "CameraPose", episode_seed("StackBlocks", "CameraPose", 0))
    offset = np.array(config.perturbations["CameraPose"]["front"]["offset"])
    photo = synthetic_view(robot.cameras["front"].intrinsics, position, quaternion)  # camera not moved yet
    report = live_view(robot, lambda camera: (photo, time.monotonic()), "front", tmp_path)(config)()
    moved = float(re.search(r"camera is (\d+) mm", report).group(1))
    assert moved == pytest.approx(np.linalg.norm(offset) * 1000, abs=4)  # it must still move by the offset
    assert (tmp_path / "live" / "front.png").exists() and "top_block: NOT on its outline" in report
