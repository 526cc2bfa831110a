"""The robot (Franka Panda) and its controllers."""

from arena.robot.controller import CONTROL_MODES, Controller
from arena.robot.panda import HOME_QPOS, load_panda_spec

__all__ = ["CONTROL_MODES", "HOME_QPOS", "Controller", "load_panda_spec"]
