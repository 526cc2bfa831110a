"""``robot.yaml``: which topics a robot speaks, its rates, frames, home pose, cameras, workspace and speed limits.

Loaded with ``yaml.safe_load`` and checked field by field; every error names the file, the field and what is
accepted. Poses are in the robot base frame, which is Arena's world frame (z = 0 on the table top). Camera
extrinsics are the pose of the camera's *optical* frame (OpenCV/ROS convention: z forward, x right, y down).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from arena.real.errors import RobotConfigError
from arena.spec.cameras import CAMERAS

JOINT_STATE_TYPE = "sensor_msgs/msg/JointState"
IMAGE_TYPES = ("sensor_msgs/msg/Image", "sensor_msgs/msg/CompressedImage")
COMMAND_TYPES = ("geometry_msgs/msg/PoseStamped", "trajectory_msgs/msg/JointTrajectory")
GRIPPER_TYPE = "std_msgs/msg/Float64"
BOOL_TYPE = "std_msgs/msg/Bool"
STRING_TYPE = "std_msgs/msg/String"
#: Topics the bridge adds to a robot's own: e-stop, the episode announcement (a twin sets itself up from it) and the
#: twin's success judgement.
DEFAULT_TOPICS = {"estop": "/arena/estop", "episode": "/arena/episode", "twin_success": "/arena/twin/success"}


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole intrinsics of a camera image (pixels)."""

    width: int
    height: int
    fx: float
    fy: float
    cx: float
    cy: float

    def matrix(self) -> np.ndarray:
        """The 3x3 camera matrix K."""
        return np.array([[self.fx, 0.0, self.cx], [0.0, self.fy, self.cy], [0.0, 0.0, 1.0]])

    @property
    def fovy_deg(self) -> float:
        """Vertical field of view in degrees (what MuJoCo's camera takes)."""
        return math.degrees(2.0 * math.atan(self.height / (2.0 * self.fy)))


@dataclass(frozen=True)
class CameraConfig:
    """One camera: the Arena camera name it stands for, its topic, message type, rate, frame and calibration.

    Attributes:
        name: Arena camera name (front, left_shoulder, right_shoulder, wrist).
        topic: Image topic.
        type: ``sensor_msgs/msg/Image`` (rgb8/bgr8) or ``sensor_msgs/msg/CompressedImage`` (jpeg/png).
        rate_hz: Expected image rate (a twin publishes at it).
        frame: The optical frame id stamped on the images.
        intrinsics: Pinhole intrinsics.
        position: Optical-frame position in the base frame (metres); None until calibrated.
        quaternion: Optical-frame orientation (w, x, y, z) in the base frame; None until calibrated.
    """

    name: str
    topic: str
    type: str
    rate_hz: float
    frame: str
    intrinsics: Intrinsics
    position: tuple[float, float, float] | None = None
    quaternion: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Limits:
    """Safety limits: the tool-centre point stays in ``workspace_low..workspace_high`` (metres, base frame) and
    commands move at most ``linear_speed`` (m/s), ``angular_speed`` (rad/s) and ``joint_speed`` (rad/s)."""

    workspace_low: tuple[float, float, float]
    workspace_high: tuple[float, float, float]
    linear_speed: float
    angular_speed: float
    joint_speed: float


@dataclass(frozen=True)
class Watchdog:
    """The arm is held when joint states are older than ``observation_timeout_s`` or the policy has sent no action
    for ``action_timeout_s``; an episode ends with an error after ``abort_after_s`` of holding."""

    observation_timeout_s: float = 0.25
    image_timeout_s: float = 1.0
    action_timeout_s: float = 0.5
    abort_after_s: float = 3.0


@dataclass(frozen=True)
class RobotConfig:
    """A robot as the bridge sees it (``robot.yaml``)."""

    name: str
    base_frame: str
    arm_joints: tuple[str, ...]
    finger_joints: tuple[str, ...]
    home_joints: tuple[float, ...]
    control_hz: float
    joint_states_topic: str
    joint_states_hz: float
    command_topic: str
    command_type: str
    gripper_topic: str
    cameras: Mapping[str, CameraConfig]
    limits: Limits
    watchdog: Watchdog = field(default_factory=Watchdog)
    topics: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TOPICS))
    path: str | None = None

    def camera(self, name: str) -> CameraConfig:
        """The camera that stands for Arena camera ``name``."""
        if name not in self.cameras:
            raise RobotConfigError(
                f"{self.path or 'robot config'}: no camera {name!r}; cameras: {', '.join(self.cameras) or 'none'}"
            )
        return self.cameras[name]

    def with_camera_pose(self, name: str, position: Sequence[float], quaternion: Sequence[float]) -> RobotConfig:
        """A copy with camera ``name``'s extrinsics replaced (used by calibration)."""
        camera = replace(
            self.camera(name),
            position=tuple(float(v) for v in position),
            quaternion=tuple(float(v) for v in quaternion),
        )
        return replace(self, cameras={**self.cameras, name: camera})


# ------------------------------------------------------------------------------------------------- parsing
class _Fields:
    """Reads one mapping of the YAML file, naming the file and dotted field in every error."""

    def __init__(self, raw: Any, where: str, source: str) -> None:
        if not isinstance(raw, Mapping):
            raise RobotConfigError(f"{source}: {where or 'the file'} must be a mapping, got {type(raw).__name__}")
        self.raw, self.where, self.source = raw, where, source

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, message: str) -> RobotConfigError:
        return RobotConfigError(f"{self.source}: {self._name(key)} {message}")

    def get(self, key: str, default: Any = ...) -> Any:
        if key not in self.raw:
            if default is ...:
                raise self.fail(key, "is missing")
            return default
        return self.raw[key]

    def sub(self, key: str, default: Any = ...) -> _Fields:
        return _Fields(self.get(key, {} if default is ... else default), self._name(key), self.source)

    def text(self, key: str, default: Any = ..., topic: bool = False) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"must be a non-empty string, got {value!r}")
        if topic and not value.startswith("/"):
            raise self.fail(key, f"must be an absolute topic name starting with '/', got {value!r}")
        return value

    def number(self, key: str, default: Any = ..., positive: bool = True) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(key, f"must be a number, got {value!r}")
        if positive and value <= 0:
            raise self.fail(key, f"must be positive, got {value!r}")
        return float(value)

    def numbers(self, key: str, count: int | None, default: Any = ...) -> tuple[float, ...]:
        value = self.get(key, default)
        if value is None:
            return None
        ok = isinstance(value, list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value
        )
        if not ok or (count is not None and len(value) != count):
            size = f"{count} " if count is not None else ""
            raise self.fail(key, f"must be a list of {size}numbers, got {value!r}")
        return tuple(float(v) for v in value)

    def names(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, f"must be a non-empty list of joint names, got {value!r}")
        return tuple(value)

    def choice(self, key: str, valid: Sequence[str], default: Any = ...) -> str:
        value = self.text(key, default)
        value = _full_type(value)
        if value not in valid:
            raise self.fail(key, f"is {value!r}; accepted: {', '.join(valid)}")
        return value

    def check_keys(self, allowed: Sequence[str]) -> None:
        unknown = sorted(set(self.raw) - set(allowed))
        if unknown:
            raise RobotConfigError(
                f"{self.source}: unknown field(s) {', '.join(self._name(k) for k in unknown)}; "
                f"accepted: {', '.join(allowed)}"
            )


def _full_type(name: str) -> str:
    """``sensor_msgs/Image`` -> ``sensor_msgs/msg/Image`` (both spellings are accepted)."""
    parts = name.split("/")
    return f"{parts[0]}/msg/{parts[1]}" if len(parts) == 2 else name


def _camera(name: str, raw: Any, source: str) -> CameraConfig:
    fields = _Fields(raw, f"cameras.{name}", source)
    fields.check_keys(("topic", "type", "rate_hz", "frame", "intrinsics", "extrinsics"))
    if name not in CAMERAS:
        raise RobotConfigError(f"{source}: cameras.{name} is not an Arena camera; accepted: {', '.join(CAMERAS)}")
    intr = fields.sub("intrinsics")
    intr.check_keys(("width", "height", "fx", "fy", "cx", "cy"))
    width, height = intr.number("width"), intr.number("height")
    if width != int(width) or height != int(height):
        raise intr.fail("width", f"and height must be whole pixels, got {width} x {height}")
    intrinsics = Intrinsics(
        int(width), int(height), intr.number("fx"), intr.number("fy"), intr.number("cx"), intr.number("cy")
    )
    position = quaternion = None
    if fields.get("extrinsics", None) is not None:
        extr = fields.sub("extrinsics")
        extr.check_keys(("position", "quaternion"))
        position = extr.numbers("position", 3)
        quaternion = extr.numbers("quaternion", 4)
        norm = float(np.linalg.norm(quaternion))
        if abs(norm - 1.0) > 1e-3:
            raise extr.fail("quaternion", f"must be a unit quaternion (w, x, y, z), got norm {norm:.4f}")
    return CameraConfig(
        name=name,
        topic=fields.text("topic", topic=True),
        type=fields.choice("type", IMAGE_TYPES),
        rate_hz=fields.number("rate_hz", 15.0),
        frame=fields.text("frame", f"{name}_optical_frame"),
        intrinsics=intrinsics,
        position=position,
        quaternion=quaternion,
    )


def parse_robot_config(raw: Any, source: str = "robot.yaml") -> RobotConfig:
    """Check a parsed ``robot.yaml`` and build its :class:`RobotConfig`; errors name ``source`` and the field."""
    top = _Fields(raw, "", source)
    top.check_keys(("robot", "base_frame", "joints", "home_joints", "rates", "topics", "cameras", "limits", "watchdog"))
    joints = top.sub("joints")
    joints.check_keys(("arm", "fingers"))
    arm, fingers = joints.names("arm"), joints.names("fingers")
    if len(arm) != 7:
        raise joints.fail("arm", f"must name the 7 arm joints (Arena drives a Franka Panda), got {len(arm)}")
    if len(fingers) not in (1, 2):
        raise joints.fail("fingers", f"must name 1 or 2 finger joints, got {len(fingers)}")
    rates = top.sub("rates")
    rates.check_keys(("control_hz", "joint_states_hz"))
    topics = top.sub("topics")
    topics.check_keys(("joint_states", "command", "command_type", "gripper", *DEFAULT_TOPICS))
    cameras_raw = top.get("cameras")
    if not isinstance(cameras_raw, Mapping) or not cameras_raw:
        raise RobotConfigError(f"{source}: cameras must map Arena camera names ({', '.join(CAMERAS)}) to cameras")
    cameras = {str(name): _camera(str(name), value, source) for name, value in cameras_raw.items()}
    limits = top.sub("limits")
    limits.check_keys(("workspace_low", "workspace_high", "linear_speed", "angular_speed", "joint_speed"))
    low, high = limits.numbers("workspace_low", 3), limits.numbers("workspace_high", 3)
    if not all(a < b for a, b in zip(low, high, strict=True)):
        raise limits.fail("workspace_low", f"must be below workspace_high on every axis, got {low} and {high}")
    watchdog = top.sub("watchdog", {})
    watchdog.check_keys(("observation_timeout_s", "image_timeout_s", "action_timeout_s", "abort_after_s"))
    defaults = Watchdog()
    home = top.numbers("home_joints", 7)
    control_hz = rates.number("control_hz", 20.0)
    return RobotConfig(
        name=top.text("robot"),
        base_frame=top.text("base_frame", "base"),
        arm_joints=arm,
        finger_joints=fingers,
        home_joints=home,
        control_hz=control_hz,
        joint_states_topic=topics.text("joint_states", topic=True),
        joint_states_hz=rates.number("joint_states_hz", control_hz),
        command_topic=topics.text("command", topic=True),
        command_type=topics.choice("command_type", COMMAND_TYPES),
        gripper_topic=topics.text("gripper", topic=True),
        cameras=cameras,
        limits=Limits(
            workspace_low=low,
            workspace_high=high,
            linear_speed=limits.number("linear_speed"),
            angular_speed=limits.number("angular_speed"),
            joint_speed=limits.number("joint_speed"),
        ),
        watchdog=Watchdog(**{k: watchdog.number(k, getattr(defaults, k)) for k in asdict(defaults)}),
        topics={key: topics.text(key, default, topic=True) for key, default in DEFAULT_TOPICS.items()},
        path=source,
    )


def load_robot_config(path: str | Path) -> RobotConfig:
    """Read and check ``robot.yaml`` (``yaml.safe_load``)."""
    path = Path(path)
    if not path.is_file():
        raise RobotConfigError(f"{path}: no such robot description; see real/examples/franka_panda.yaml")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise RobotConfigError(f"{path}: not valid YAML ({error})") from None
    return parse_robot_config(raw, str(path))


def robot_config_to_dict(config: RobotConfig) -> dict[str, Any]:
    """The YAML form of ``config`` (what :func:`parse_robot_config` reads back)."""
    cameras = {}
    for name, cam in config.cameras.items():
        entry: dict[str, Any] = {
            "topic": cam.topic,
            "type": cam.type,
            "rate_hz": cam.rate_hz,
            "frame": cam.frame,
            "intrinsics": asdict(cam.intrinsics),
        }
        if cam.position is not None:
            entry["extrinsics"] = {"position": list(cam.position), "quaternion": list(cam.quaternion)}
        cameras[name] = entry
    return {
        "robot": config.name,
        "base_frame": config.base_frame,
        "joints": {"arm": list(config.arm_joints), "fingers": list(config.finger_joints)},
        "home_joints": list(config.home_joints),
        "rates": {"control_hz": config.control_hz, "joint_states_hz": config.joint_states_hz},
        "topics": {
            "joint_states": config.joint_states_topic,
            "command": config.command_topic,
            "command_type": config.command_type,
            "gripper": config.gripper_topic,
            **config.topics,
        },
        "cameras": cameras,
        "limits": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config.limits).items()},
        "watchdog": asdict(config.watchdog),
    }


def save_robot_config(config: RobotConfig, path: str | Path) -> Path:
    """Write ``config`` as YAML (comments of an earlier file are not kept; the old file is kept as ``.bak``)."""
    path = Path(path)
    if path.exists():
        path.with_suffix(path.suffix + ".bak").write_text(path.read_text())
    text = yaml.safe_dump(robot_config_to_dict(config), sort_keys=False, default_flow_style=None, width=120)
    path.write_text("# Arena robot description (arena real); rewritten by arena real calibrate\n" + text)
    return path
