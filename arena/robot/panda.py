"""The Franka Panda model: loading its MJCF and the names Arena relies on."""

from __future__ import annotations

from pathlib import Path

import mujoco
import numpy as np

from arena.geometry import look_at_quat
from arena.paths import franka_mesh_dir

PANDA_XML = Path(__file__).with_name("panda.xml")

ARM_JOINTS: tuple[str, ...] = tuple(f"joint{i}" for i in range(1, 8))
FINGER_JOINTS: tuple[str, ...] = ("finger_joint1", "finger_joint2")
ARM_ACTUATORS: tuple[str, ...] = tuple(f"actuator{i}" for i in range(1, 8))
GRIPPER_ACTUATOR = "gripper"
TCP_SITE = "tcp"
HAND_BODY = "hand"
FINGER_BODIES: tuple[str, ...] = ("left_finger", "right_finger")
WRIST_CAMERA = "wrist"
#: Point (hand frame, metres) the wrist camera looks at: just beyond the fingertips.
WRIST_CAMERA_TARGET = np.array([0.015, 0.0, 0.2])

#: Home joint configuration (radians): gripper pointing down, 0.49 m above the table, fingers open.
HOME_QPOS = np.array([0.0, -0.7854, 0.0, -2.3562, 0.0, 1.5708, 0.7854])
#: Largest finger gap in metres (each finger travels 0.04 m).
MAX_GRIPPER_GAP = 0.08
#: Gap commanded for a fully closed gripper (metres): below zero, so the grasp force saturates at its limit.
CLOSED_GRIPPER_COMMAND = -0.04


def load_panda_spec() -> mujoco.MjSpec:
    """Return a fresh ``MjSpec`` of the Panda, meshes read from the pinned gymnasium-robotics wheel."""
    spec = mujoco.MjSpec.from_file(str(PANDA_XML))
    spec.meshdir = str(franka_mesh_dir())
    camera = spec.camera(WRIST_CAMERA)
    # Looks along the gripper axis, tilted toward the fingertips; image up is away from the fingers.
    camera.quat = look_at_quat(camera.pos, WRIST_CAMERA_TARGET, up=(1.0, 0.0, 0.0))
    return spec
