"""Everything that talks ROS 2: the one module that imports rclpy and the message packages (inside functions).

Two links, each a node spun on its own thread in its own rclpy context, exchanging plain numpy values with the
ROS-free rest of :mod:`arena.real`:

* :class:`BridgeLink` (the bridge's side): reads joint states, camera images, the e-stop and a twin's success
  judgement; sends end-effector or joint targets and gripper commands; announces each episode; and hands every
  message on the robot's topics, raw, to a recorder (rosbag2 through :mod:`arena.real.recording`). Created with
  ``publish=False`` it owns no publisher at all (``--dry-run``).
* :class:`TwinLink` (a simulated robot's side, :mod:`arena.real.twin`): the mirror image.

Discovery stays on this machine unless the environment says otherwise (``ROS_AUTOMATIC_DISCOVERY_RANGE``
defaults to ``LOCALHOST`` here; Kilted ignores ``ROS_LOCALHOST_ONLY``); ``ROS_DOMAIN_ID`` is read as usual.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from arena.real.errors import RosUnavailableError
from arena.real.robot_config import BOOL_TYPE, GRIPPER_TYPE, JOINT_STATE_TYPE, STRING_TYPE, RobotConfig

#: Called with (topic, message type, serialized CDR bytes, receive time in nanoseconds).
Recorder = Callable[[str, str, bytes, int], None]


@dataclass(frozen=True)
class JointSample:
    """The arm as last reported: joint angles (radians, robot.yaml order), finger gap (metres), receive time."""

    joints: np.ndarray
    gripper_gap: float
    received: float  # time.monotonic()


def _rclpy() -> Any:
    os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    try:
        import rclpy
        import rclpy.executors
        import rclpy.qos
    except ImportError as error:  # the ros extra is missing or its libraries do not load
        raise RosUnavailableError(
            f"rclpy is not available ({error}); install the ros extra: pip install 'arena-bench[ros]' "
            "(ROS 2 Kilted wheels, x86_64 Linux, inside a virtual environment)"
        ) from None
    return rclpy


def _message_class(full_type: str) -> Any:
    """The rclpy message class of ``pkg/msg/Name``."""
    import importlib

    package, _, name = full_type.split("/")
    return getattr(importlib.import_module(f"{package}.msg"), name)


def ros_available() -> bool:
    """Whether rclpy and the message packages import."""
    try:
        _rclpy()
        for name in (JOINT_STATE_TYPE, "sensor_msgs/msg/Image", "geometry_msgs/msg/PoseStamped", BOOL_TYPE):
            _message_class(name)
    except (RosUnavailableError, ImportError):
        return False
    return True


# --------------------------------------------------------------------------------------------- conversions
def image_to_rgb(message: Any, full_type: str) -> np.ndarray:
    """An ``Image`` (rgb8, bgr8, rgba8, bgra8, mono8) or ``CompressedImage`` message as uint8 H x W x 3 RGB."""
    if full_type.endswith("CompressedImage"):
        import cv2

        bgr = cv2.imdecode(np.frombuffer(bytes(message.data), np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ValueError(f"cannot decode a {message.format!r} compressed image")
        return bgr[:, :, ::-1].copy()
    channels = {"rgb8": 3, "bgr8": 3, "rgba8": 4, "bgra8": 4, "mono8": 1}
    if message.encoding not in channels:
        raise ValueError(f"image encoding {message.encoding!r} not handled; use one of {', '.join(channels)}")
    depth = channels[message.encoding]
    rows = np.frombuffer(bytes(message.data), np.uint8).reshape(message.height, message.step)
    pixels = rows[:, : message.width * depth].reshape(message.height, message.width, depth)
    if message.encoding == "mono8":
        return np.repeat(pixels, 3, axis=2)
    rgb = pixels[:, :, :3] if message.encoding.startswith("rgb") else pixels[:, :, 2::-1]
    return np.ascontiguousarray(rgb)


def rgb_to_image(rgb: np.ndarray, full_type: str, stamp: Any, frame: str) -> Any:
    """A uint8 RGB array as an ``Image`` (rgb8) or ``CompressedImage`` (jpeg) message."""
    message = _message_class(full_type)()
    message.header.stamp = stamp
    message.header.frame_id = frame
    if full_type.endswith("CompressedImage"):
        import cv2

        ok, encoded = cv2.imencode(".jpg", np.ascontiguousarray(rgb[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 90])
        message.format = "rgb8; jpeg compressed bgr8"
        message.data = encoded.tobytes() if ok else b""
        return message
    height, width = rgb.shape[:2]
    message.height, message.width, message.encoding, message.step = height, width, "rgb8", width * 3
    message.data = np.ascontiguousarray(rgb, dtype=np.uint8).tobytes()
    return message


class _Node:
    """One rclpy context, node and executor thread."""

    def __init__(self, name: str) -> None:
        rclpy = _rclpy()
        self.rclpy = rclpy
        self.context = rclpy.Context()
        rclpy.init(context=self.context)
        self.node = rclpy.create_node(name, context=self.context)
        self.executor = rclpy.executors.SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self.lock = threading.Lock()
        qos = rclpy.qos
        self.best_effort = qos.QoSProfile(depth=5, reliability=qos.ReliabilityPolicy.BEST_EFFORT)
        self.reliable = qos.QoSProfile(depth=10, reliability=qos.ReliabilityPolicy.RELIABLE)
        self.latched = qos.QoSProfile(
            depth=1, reliability=qos.ReliabilityPolicy.RELIABLE, durability=qos.DurabilityPolicy.TRANSIENT_LOCAL
        )
        self._thread = threading.Thread(target=self._spin, name=f"{name}-spin", daemon=True)
        self._thread.start()

    def _spin(self) -> None:
        with contextlib.suppress(Exception):  # the context shut down under the executor: the link is closing
            self.executor.spin()

    def stamp(self) -> Any:
        return self.node.get_clock().now().to_msg()

    def close(self) -> None:
        self.executor.shutdown(timeout_sec=1.0)
        self.node.destroy_node()
        self.context.try_shutdown()
        self._thread.join(timeout=2.0)


def _qos_for(node: _Node, full_type: str) -> Any:
    if full_type == STRING_TYPE:
        return node.latched
    return node.best_effort if full_type.startswith("sensor_msgs") else node.reliable


class BridgeLink:
    """The bridge's ROS side. ``publish=False`` creates no publisher (dry run): sends are counted, never sent."""

    def __init__(self, robot: RobotConfig, cameras: tuple[str, ...], publish: bool = True) -> None:
        self.robot = robot
        self.publish = publish
        self._ros = _Node("arena_bridge")
        node = self._ros.node
        self._joint: JointSample | None = None
        self._images: dict[str, tuple[np.ndarray, float]] = {}
        self._estop = False
        self._twin_success: tuple[str, bool] | None = None
        self.suppressed = 0  # commands computed but not sent (dry run)
        self.recorder: Recorder | None = None
        self._arm_index: np.ndarray | None = None
        topics = robot.topics
        node.create_subscription(
            _message_class(JOINT_STATE_TYPE), robot.joint_states_topic, self._on_joints, self._ros.best_effort
        )
        for camera in cameras:
            config = robot.camera(camera)
            node.create_subscription(
                _message_class(config.type),
                config.topic,
                lambda message, camera=camera, kind=config.type: self._on_image(camera, kind, message),
                self._ros.best_effort,
            )
        node.create_subscription(_message_class(BOOL_TYPE), topics["estop"], self._on_estop, self._ros.reliable)
        node.create_subscription(
            _message_class(STRING_TYPE), topics["twin_success"], self._on_success, self._ros.reliable
        )
        self._recorded = {
            robot.joint_states_topic: JOINT_STATE_TYPE,
            robot.command_topic: robot.command_type,
            robot.gripper_topic: GRIPPER_TYPE,
            topics["estop"]: BOOL_TYPE,
            topics["episode"]: STRING_TYPE,
            **{camera.topic: camera.type for camera in robot.cameras.values()},
        }
        for topic, kind in self._recorded.items():
            node.create_subscription(
                _message_class(kind),
                topic,
                lambda data, topic=topic, kind=kind: self._on_raw(topic, kind, data),
                _qos_for(self._ros, kind) if kind == STRING_TYPE else self._ros.best_effort,
                raw=True,
            )
        self._publishers: dict[str, Any] = {}
        if publish:
            for key, topic, kind, qos in (
                ("command", robot.command_topic, robot.command_type, self._ros.reliable),
                ("gripper", robot.gripper_topic, GRIPPER_TYPE, self._ros.reliable),
                ("estop", topics["estop"], BOOL_TYPE, self._ros.reliable),
                ("episode", topics["episode"], STRING_TYPE, self._ros.latched),
            ):
                self._publishers[key] = node.create_publisher(_message_class(kind), topic, qos)

    @property
    def recorded_topics(self) -> dict[str, str]:
        """Topics written to recordings, with their message types."""
        return dict(self._recorded)

    # ---------------------------------------------------------------------------------------- incoming
    def _on_joints(self, message: Any) -> None:
        names = list(message.name)
        try:
            arm = np.array([message.position[names.index(n)] for n in self.robot.arm_joints])
        except ValueError:
            return  # a joint-state message of another part (a gripper-only publisher): not the arm
        fingers = [message.position[names.index(n)] for n in self.robot.finger_joints if n in names]
        gap = float(sum(fingers)) if len(fingers) == 2 else float(2 * fingers[0]) if fingers else float("nan")
        with self._ros.lock:
            self._joint = JointSample(arm, gap, time.monotonic())

    def _on_image(self, camera: str, kind: str, message: Any) -> None:
        try:
            rgb = image_to_rgb(message, kind)
        except ValueError:
            return
        with self._ros.lock:
            self._images[camera] = (rgb, time.monotonic())

    def _on_estop(self, message: Any) -> None:
        if message.data:
            self._estop = True

    def _on_success(self, message: Any) -> None:
        try:
            said = json.loads(message.data)
            self._twin_success = (str(said["config_hash"]), bool(said["success"]))
        except (ValueError, KeyError, TypeError):
            return

    def _on_raw(self, topic: str, kind: str, data: bytes) -> None:
        recorder = self.recorder
        if recorder is not None:
            recorder(topic, kind, bytes(data), time.time_ns())

    def joint_state(self) -> JointSample | None:
        """The newest joint state of the arm, or None before the first."""
        with self._ros.lock:
            return self._joint

    def image(self, camera: str) -> tuple[np.ndarray, float] | None:
        """The newest RGB image of ``camera`` and its receive time, or None before the first."""
        with self._ros.lock:
            return self._images.get(camera)

    def estop(self) -> bool:
        """Whether an e-stop was seen since :meth:`clear_estop`."""
        return self._estop

    def clear_estop(self) -> None:
        self._estop = False

    def twin_success(self, config_hash: str) -> bool | None:
        """A twin's latest success judgement of the episode ``config_hash`` (None until the twin has set it up)."""
        said = self._twin_success
        return said[1] if said is not None and said[0] == config_hash else None

    # ---------------------------------------------------------------------------------------- outgoing
    def _send(self, key: str, message: Any) -> None:
        publisher = self._publishers.get(key)
        if publisher is None:
            self.suppressed += 1
            return
        publisher.publish(message)

    def send_pose(self, position: np.ndarray, quaternion: np.ndarray) -> None:
        """An end-effector target (PoseStamped in the base frame)."""
        message = _message_class(self.robot.command_type)()
        message.header.stamp = self._ros.stamp()
        message.header.frame_id = self.robot.base_frame
        p, q = message.pose.position, message.pose.orientation
        p.x, p.y, p.z = (float(v) for v in position)
        q.w, q.x, q.y, q.z = (float(v) for v in quaternion)
        self._send("command", message)

    def send_joints(self, joints: np.ndarray, seconds: float) -> None:
        """A joint target reached in ``seconds`` (a one-point JointTrajectory)."""
        message = _message_class(self.robot.command_type)()
        message.joint_names = list(self.robot.arm_joints)
        point = _message_class("trajectory_msgs/msg/JointTrajectoryPoint")()
        point.positions = [float(v) for v in joints]
        point.velocities = [0.0] * len(joints)
        point.time_from_start.sec = int(seconds)
        point.time_from_start.nanosec = int((seconds - int(seconds)) * 1e9)
        message.points = [point]
        self._send("command", message)

    def send_gripper(self, command: float) -> None:
        """A gripper command in [-1 open .. 1 close]."""
        message = _message_class(GRIPPER_TYPE)()
        message.data = float(command)
        self._send("gripper", message)

    def send_estop(self, engaged: bool = True) -> None:
        message = _message_class(BOOL_TYPE)()
        message.data = bool(engaged)
        self._send("estop", message)

    def announce_episode(self, config_json: str) -> None:
        """Publish the episode (latched), so a twin sets it up; a real robot's driver ignores it."""
        message = _message_class(STRING_TYPE)()
        message.data = config_json
        self._twin_success = None
        self._send("episode", message)

    def close(self) -> None:
        self.recorder = None
        self._ros.close()


class TwinLink:
    """A simulated robot's ROS side: receives commands, publishes joint states, images and its success judgement."""

    def __init__(self, robot: RobotConfig, cameras: tuple[str, ...]) -> None:
        self.robot = robot
        self._ros = _Node("arena_twin")
        node = self._ros.node
        self._pose: tuple[np.ndarray, np.ndarray] | None = None
        self._joints: np.ndarray | None = None
        self._gripper: float | None = None
        self._estop = False
        self._episode: tuple[int, str] | None = None
        self._episodes_seen = 0
        node.create_subscription(
            _message_class(robot.command_type), robot.command_topic, self._on_command, self._ros.reliable
        )
        node.create_subscription(
            _message_class(GRIPPER_TYPE), robot.gripper_topic, self._on_gripper, self._ros.reliable
        )
        node.create_subscription(_message_class(BOOL_TYPE), robot.topics["estop"], self._on_estop, self._ros.reliable)
        node.create_subscription(
            _message_class(STRING_TYPE), robot.topics["episode"], self._on_episode, self._ros.latched
        )
        self._joint_pub = node.create_publisher(
            _message_class(JOINT_STATE_TYPE), robot.joint_states_topic, self._ros.reliable
        )
        self._success_pub = node.create_publisher(
            _message_class(STRING_TYPE), robot.topics["twin_success"], self._ros.reliable
        )
        self._image_pubs = {
            camera: node.create_publisher(
                _message_class(robot.camera(camera).type), robot.camera(camera).topic, self._ros.reliable
            )
            for camera in cameras
        }

    def _on_command(self, message: Any) -> None:
        with self._ros.lock:
            if hasattr(message, "pose"):
                p, q = message.pose.position, message.pose.orientation
                self._pose = (np.array([p.x, p.y, p.z]), np.array([q.w, q.x, q.y, q.z]))
            elif message.points:
                names = list(message.joint_names)
                positions = message.points[-1].positions
                try:
                    self._joints = np.array([positions[names.index(n)] for n in self.robot.arm_joints])
                except ValueError:
                    return

    def _on_gripper(self, message: Any) -> None:
        self._gripper = float(message.data)

    def _on_estop(self, message: Any) -> None:
        self._estop = bool(message.data)

    def _on_episode(self, message: Any) -> None:
        with self._ros.lock:
            self._episodes_seen += 1
            self._episode = (self._episodes_seen, message.data)

    def take_commands(self) -> tuple[tuple[np.ndarray, np.ndarray] | None, np.ndarray | None, float | None]:
        """The newest pose target, joint target and gripper command (each None if none came), cleared."""
        with self._ros.lock:
            pose, joints, gripper = self._pose, self._joints, self._gripper
            self._pose = self._joints = self._gripper = None
        return pose, joints, gripper

    def estop(self) -> bool:
        return self._estop

    def episode(self) -> tuple[int, str] | None:
        """(announcement number, EpisodeConfig JSON) of the newest announced episode, or None."""
        with self._ros.lock:
            return self._episode

    def publish_joints(self, joints: np.ndarray, velocities: np.ndarray, gripper_gap: float) -> None:
        message = _message_class(JOINT_STATE_TYPE)()
        message.header.stamp = self._ros.stamp()
        message.name = [*self.robot.arm_joints, *self.robot.finger_joints]
        fingers = [gripper_gap / len(self.robot.finger_joints)] * len(self.robot.finger_joints)
        message.position = [float(v) for v in (*joints, *fingers)]
        message.velocity = [float(v) for v in (*velocities, *([0.0] * len(fingers)))]
        self._joint_pub.publish(message)

    def publish_image(self, camera: str, rgb: np.ndarray) -> None:
        config = self.robot.camera(camera)
        self._image_pubs[camera].publish(rgb_to_image(rgb, config.type, self._ros.stamp(), config.frame))

    def publish_success(self, config_hash: str, success: bool) -> None:
        """The twin's judgement of the episode it plays: ``{"config_hash": ..., "success": ...}`` as JSON."""
        message = _message_class(STRING_TYPE)()
        message.data = json.dumps({"config_hash": config_hash, "success": bool(success)})
        self._success_pub.publish(message)

    def close(self) -> None:
        self._ros.close()


def count_publishers(topic: str) -> int:
    """How many publishers the ROS graph knows on ``topic`` (a probe node; used to check a dry run)."""
    node = _Node("arena_probe")
    try:
        time.sleep(0.5)  # discovery
        return node.node.count_publishers(topic)
    finally:
        node.close()
