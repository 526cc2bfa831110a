"""rosbag2 recordings of real episodes (MCAP, written and read with ``rosbags``), and their export to video.

Every message on the robot's topics (joint states, images, commands, gripper, e-stop, the episode announcement)
reaches the writer as the raw CDR bytes the bridge's subscriptions received, so a bag holds exactly what went over
the wire. The episode's ``EpisodeConfig`` (canonical JSON), the robot and the policy go into the bag's metadata
(``custom_data``), so a bag says by itself which episode it is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from arena.real.errors import RealError
from arena.spec.episode import EpisodeConfig

CONFIG_KEY = "arena.episode_config"


def _typestore() -> Any:
    from rosbags.typesys import Stores, get_typestore

    return get_typestore(Stores.ROS2_KILTED)


class EpisodeRecorder:
    """Writes one episode's messages into a rosbag2 MCAP folder; callable as the bridge link's recorder.

    Args:
        path: The bag folder to create (must not exist).
        topics: Topic name to message type (``pkg/msg/Name``) of every topic to record.
        metadata: Extra ``custom_data`` entries (strings).
    """

    def __init__(self, path: str | Path, topics: Mapping[str, str], metadata: Mapping[str, str]) -> None:
        from rosbags.rosbag2 import StoragePlugin, Writer

        self.path = Path(path)
        if self.path.exists():
            raise RealError(f"{self.path} exists; a recording is never overwritten (remove it to record again)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = Writer(self.path, version=9, storage_plugin=StoragePlugin.MCAP)
        for key, value in metadata.items():
            self._writer.set_custom_data(key, str(value))
        self._writer.open()
        store = _typestore()
        self._connections = {t: self._writer.add_connection(t, kind, typestore=store) for t, kind in topics.items()}
        self._lock = threading.Lock()
        self.count = 0
        self._open = True

    def __call__(self, topic: str, kind: str, data: bytes, time_ns: int) -> None:
        with self._lock:
            if self._open and topic in self._connections:
                self._writer.write(self._connections[topic], time_ns, data)
                self.count += 1

    def close(self) -> None:
        with self._lock:
            if self._open:
                self._open = False
                self._writer.close()


def bag_metadata(path: str | Path) -> dict[str, str]:
    """The ``custom_data`` of a bag (Arena writes the episode config, robot and policy there)."""
    import yaml

    info = yaml.safe_load((_bag_folder(path) / "metadata.yaml").read_text())["rosbag2_bagfile_information"]
    return {str(k): str(v) for k, v in (info.get("custom_data") or {}).items()}


def bag_episode(path: str | Path) -> EpisodeConfig:
    """The ``EpisodeConfig`` a bag was recorded for."""
    metadata = bag_metadata(path)
    if CONFIG_KEY not in metadata:
        raise RealError(f"{path} has no {CONFIG_KEY} in its metadata; was it recorded by arena real run?")
    return EpisodeConfig.from_json(metadata[CONFIG_KEY])


def _bag_folder(path: str | Path) -> Path:
    path = Path(path)
    if path.is_file() and path.suffix == ".mcap":
        path = path.parent
    if not (path / "metadata.yaml").is_file():
        raise RealError(f"{path} is not a rosbag2 folder (no metadata.yaml); give the folder arena real run wrote")
    return path


def read_messages(path: str | Path, topics: tuple[str, ...] | None = None) -> Iterator[tuple[str, str, int, Any]]:
    """(topic, message type, time in nanoseconds, deserialized message) of every message, in time order."""
    from rosbags.rosbag2 import Reader

    store = _typestore()
    with Reader(_bag_folder(path)) as reader:
        connections = [c for c in reader.connections if topics is None or c.topic in topics]
        for connection, time_ns, raw in reader.messages(connections=connections):
            yield connection.topic, connection.msgtype, time_ns, store.deserialize_cdr(raw, connection.msgtype)


def _rgb(message: Any, kind: str) -> np.ndarray:
    import cv2

    if kind.endswith("CompressedImage"):
        return cv2.imdecode(np.asarray(message.data, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]
    depth = {"rgb8": 3, "bgr8": 3, "mono8": 1, "rgba8": 4, "bgra8": 4}[message.encoding]
    rows = np.asarray(message.data, np.uint8).reshape(message.height, message.step)
    pixels = rows[:, : message.width * depth].reshape(message.height, message.width, depth)
    if depth == 1:
        return np.repeat(pixels, 3, axis=2)
    return pixels[:, :, :3] if message.encoding.startswith("rgb") else pixels[:, :, 2::-1]


def export_video(path: str | Path, output: str | Path, topic: str | None = None, fps: float | None = None) -> Path:
    """Write the images of ``topic`` (default: the first image topic in the bag) as an MP4; ``fps`` defaults to
    the recorded rate. Returns the video's path."""
    import imageio.v2 as imageio
    from rosbags.rosbag2 import Reader

    with Reader(_bag_folder(path)) as reader:
        image_topics = {c.topic: c.msgtype for c in reader.connections if c.msgtype.startswith("sensor_msgs/msg/")}
        image_topics = {t: k for t, k in image_topics.items() if k.endswith("Image")}
        counts = {c.topic: c.msgcount for c in reader.connections}
    if not image_topics:
        raise RealError(f"{path} holds no image topic")
    topic = topic or sorted(image_topics)[0]
    if topic not in image_topics:
        raise RealError(f"{path} has no image topic {topic!r}; image topics: {', '.join(sorted(image_topics))}")
    frames, times = [], []
    for _, kind, time_ns, message in read_messages(path, (topic,)):
        frames.append(np.ascontiguousarray(_rgb(message, kind)))
        times.append(time_ns)
    if not frames or counts.get(topic, 0) == 0:
        raise RealError(f"{path}: topic {topic} has no messages")
    if fps is None:
        span = (times[-1] - times[0]) / 1e9
        fps = (len(times) - 1) / span if len(times) > 1 and span > 0 else 10.0
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    imageio.mimwrite(output, frames, fps=float(fps), macro_block_size=1)
    return output
