"""Arena: a reproducible robot-manipulation generalisation benchmark on MuJoCo.

``import arena`` registers the gymnasium ids ``Arena-<Task>`` and ``Arena-<Task>-<Axis>`` (it imports only the
spec layer: MuJoCo loads when an env is made). ``gymnasium.make("Arena-StackBlocks-Lighting")`` works as for any
gymnasium env; :func:`make` does the same and, for a mistyped Arena id, names every valid task and axis.
"""

import os

# Headless offscreen rendering unless the user chose a backend (osmesa, glfw); must precede importing mujoco.
os.environ.setdefault("MUJOCO_GL", "egl")

from typing import Any  # noqa: E402

import gymnasium as gym  # noqa: E402

from arena.errors import UnknownNameError  # noqa: E402
from arena.registration import ID_PREFIX, applicable_ids, register_all, registered_ids, valid_ids_hint  # noqa: E402

__version__ = "0.2.0"

register_all()


def make(env_id: str, **kwargs: Any) -> gym.Env:
    """``gymnasium.make`` for Arena ids; an unknown ``Arena-*`` id raises :class:`UnknownNameError` listing the
    valid tasks and axes (gymnasium itself suggests one close match)."""
    try:
        return gym.make(env_id, **kwargs)
    except gym.error.NameNotFound as error:
        if env_id.startswith(ID_PREFIX):
            raise UnknownNameError(f"{error} {valid_ids_hint()}") from None
        raise


__all__ = ["__version__", "applicable_ids", "make", "registered_ids"]
