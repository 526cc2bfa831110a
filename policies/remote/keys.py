"""Observation key mappings: Arena's observation dict -> the request map a policy server expects.

A mapping names, for each request key, the Arena quantity it carries (a *source*), or a list of sources that are
concatenated. Sources: ``images/<camera>`` (uint8 H x W x 3), ``state`` (Arena's 15 values), ``state:tcp_pos``,
``state:tcp_quat`` (w x y z), ``state:tcp_axis_angle`` (rotation vector, radians), ``state:gripper_gap`` (metres),
``state:fingers`` (each finger's joint position, +gap/2 and -gap/2, as robosuite's ``gripper_qpos``),
``state:gripper_closed`` (0 open .. 1 closed, DROID's ``gripper_position``), ``state:joint_pos`` and
``instruction``. ``image_size`` (optional) resizes images, with padding, to that square side as openpi's
``image_tools.resize_with_pad`` does; the evaluation renders at that size in the first place, so no resize happens
unless an env is built otherwise.

Presets: ``arena`` passes Arena's own keys through unchanged; ``libero`` and ``droid`` produce the keys of openpi's
LIBERO and DROID example clients (openpi commit 15a9616, ``examples/libero/main.py``, ``examples/droid/main.py``).
A YAML file gives the same structure: ``keys: {request key: source or [sources]}`` and optional ``image_size``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from arena.policies.remote.errors import KeyMappingError

#: Width of the Panda gripper fully open (metres), for ``state:gripper_closed``.
GRIPPER_OPEN_GAP = 0.08
STATE_SOURCES = (
    "state", "state:tcp_pos", "state:tcp_quat", "state:tcp_axis_angle", "state:gripper_gap", "state:fingers",
    "state:gripper_closed", "state:joint_pos",
)  # fmt: skip


@dataclass(frozen=True)
class KeyMapping:
    """How an Arena observation becomes a request. ``keys`` is empty for the pass-through ``arena`` preset."""

    name: str
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    image_size: int | None = None

    @property
    def passthrough(self) -> bool:
        return not self.keys

    @property
    def cameras(self) -> tuple[str, ...]:
        """Cameras the mapping reads, in order of first use."""
        cameras = [s.split("/", 1)[1] for sources in self.keys.values() for s in sources if s.startswith("images/")]
        return tuple(dict.fromkeys(cameras))

    def request(self, observation: Mapping[str, Any]) -> dict[str, Any]:
        """The request map for one Arena observation."""
        if self.passthrough:
            return {k: self._image(v) if k.startswith("images/") else v for k, v in observation.items()}
        request: dict[str, Any] = {}
        for key, sources in self.keys.items():
            values = [self._value(source, observation) for source in sources]
            if len(values) == 1:
                request[key] = values[0]
            else:
                request[key] = np.concatenate([np.atleast_1d(np.asarray(v, dtype=np.float32)) for v in values])
        return request

    def _value(self, source: str, observation: Mapping[str, Any]) -> Any:
        if source == "instruction":
            return str(observation["instruction"])
        if source.startswith("images/"):
            if source not in observation:
                raise KeyMappingError(f"mapping {self.name!r} needs {source}; observation keys: {sorted(observation)}")
            return self._image(observation[source])
        return state_part(source, np.asarray(observation["state"], dtype=np.float32))

    def _image(self, image: np.ndarray) -> np.ndarray:
        if self.image_size is None or image.shape[:2] == (self.image_size, self.image_size):
            return image
        return resize_with_pad(image, self.image_size, self.image_size)


def state_part(source: str, state: np.ndarray) -> np.ndarray:
    """One state source (see the module docstring) from Arena's 15-value state, float32."""
    pos, quat, gap, joints = state[0:3], state[3:7], float(state[7]), state[8:15]
    parts = {
        "state": lambda: state,
        "state:tcp_pos": lambda: pos,
        "state:tcp_quat": lambda: quat,
        "state:tcp_axis_angle": lambda: quat_to_axis_angle(quat),
        "state:gripper_gap": lambda: np.array([gap]),
        "state:fingers": lambda: np.array([gap / 2, -gap / 2]),
        "state:gripper_closed": lambda: np.array([np.clip(1.0 - gap / GRIPPER_OPEN_GAP, 0.0, 1.0)]),
        "state:joint_pos": lambda: joints,
    }
    return np.asarray(parts[source](), dtype=np.float32)


def quat_to_axis_angle(quat: np.ndarray) -> np.ndarray:
    """Rotation vector (radians) of a w x y z quaternion, as robosuite's ``quat2axisangle`` (LIBERO's state)."""
    w = float(np.clip(quat[0], -1.0, 1.0))
    den = np.sqrt(1.0 - w * w)
    if np.isclose(den, 0.0):
        return np.zeros(3, dtype=np.float32)
    return (np.asarray(quat[1:4], dtype=np.float64) * 2.0 * np.arccos(w) / den).astype(np.float32)


def resize_with_pad(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` (H x W x 3 uint8) scaled bilinearly to fit ``height`` x ``width`` and centred on black, as openpi's
    ``image_tools.resize_with_pad`` (PIL) does."""
    from PIL import Image

    picture = Image.fromarray(np.ascontiguousarray(image))
    ratio = max(picture.width / width, picture.height / height)
    scaled = picture.resize((int(picture.width / ratio), int(picture.height / ratio)), resample=Image.BILINEAR)
    canvas = Image.new(scaled.mode, (width, height), 0)
    canvas.paste(scaled, (max(0, int((width - scaled.width) / 2)), max(0, int((height - scaled.height) / 2))))
    return np.asarray(canvas)


PRESETS: dict[str, KeyMapping] = {
    "arena": KeyMapping("arena"),
    "libero": KeyMapping(
        "libero",
        {
            "observation/image": ("images/front",),
            "observation/wrist_image": ("images/wrist",),
            "observation/state": ("state:tcp_pos", "state:tcp_axis_angle", "state:fingers"),
            "prompt": ("instruction",),
        },
        image_size=224,
    ),
    "droid": KeyMapping(
        "droid",
        {
            "observation/exterior_image_1_left": ("images/front",),
            "observation/wrist_image_left": ("images/wrist",),
            "observation/joint_position": ("state:joint_pos",),
            "observation/gripper_position": ("state:gripper_closed",),
            "prompt": ("instruction",),
        },
        image_size=224,
    ),
}


def _valid_source(source: Any, cameras: tuple[str, ...]) -> bool:
    if source in STATE_SOURCES or source == "instruction":
        return True
    return isinstance(source, str) and source.startswith("images/") and source.split("/", 1)[1] in cameras


def key_mapping(name_or_file: str) -> KeyMapping:
    """A preset (``arena``, ``libero``, ``droid``) or a YAML mapping file, checked source by source."""
    if name_or_file in PRESETS:
        return PRESETS[name_or_file]
    path = Path(name_or_file)
    if not path.is_file():
        raise KeyMappingError(
            f"unknown observation key mapping {name_or_file!r}; valid: {', '.join(PRESETS)} or a YAML file"
        )
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise KeyMappingError(f"{path}: not valid YAML ({error})") from None
    return parse_mapping(document, str(path))


def parse_mapping(document: Any, name: str) -> KeyMapping:
    """A :class:`KeyMapping` from a parsed YAML document ``{keys: {...}, image_size: N}``."""
    from arena.spec.cameras import CAMERAS

    allowed = f"images/<{'|'.join(CAMERAS)}>, {', '.join(STATE_SOURCES)} or instruction"
    if not isinstance(document, dict) or not isinstance(document.get("keys"), dict) or not document["keys"]:
        raise KeyMappingError(f"{name}: expected a map with 'keys: {{request key: source}}' (sources: {allowed})")
    unknown = sorted(set(document) - {"keys", "image_size"})
    if unknown:
        raise KeyMappingError(f"{name}: unknown field(s) {unknown}; valid: keys, image_size")
    keys: dict[str, tuple[str, ...]] = {}
    for key, value in document["keys"].items():
        sources = tuple(value) if isinstance(value, list) else (value,)
        bad = [s for s in sources if not _valid_source(s, tuple(CAMERAS))]
        if not isinstance(key, str) or not sources or bad:
            raise KeyMappingError(f"{name}: key {key!r} has source(s) {bad or value!r}; valid sources: {allowed}")
        if len(sources) > 1 and any(s == "instruction" or s.startswith("images/") for s in sources):
            raise KeyMappingError(f"{name}: key {key!r} concatenates {list(sources)}; only state sources concatenate")
        keys[key] = sources
    size = document.get("image_size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 1024):
        raise KeyMappingError(f"{name}: image_size {size!r} must be an integer from 1 to 1024")
    return KeyMapping(name, keys, size)
