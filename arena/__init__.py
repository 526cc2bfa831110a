"""Arena: a reproducible robot-manipulation generalisation benchmark on MuJoCo.

``import arena`` registers the gymnasium ids ``Arena-<Task>`` and ``Arena-<Task>-<Axis>``.
"""

import os

# Headless offscreen rendering unless the user chose a backend (osmesa, glfw); must precede importing mujoco.
os.environ.setdefault("MUJOCO_GL", "egl")

from arena.registration import _install_unknown_id_hint, applicable_ids, register_all, registered_ids  # noqa: E402

__version__ = "0.1.0"

register_all()
_install_unknown_id_hint()

__all__ = ["__version__", "applicable_ids", "registered_ids"]
