"""Where Arena's package data and the pinned robot assets live on disk."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from arena.errors import ArenaError

#: The wheel that ships the Franka Panda meshes (pinned in pyproject.toml for reproducibility).
ROBOT_ASSET_PACKAGE = "gymnasium_robotics"
_FRANKA_MESH_SUBDIR = ("envs", "assets", "kitchen_franka", "franka_assets", "meshes")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ArenaError(f"package {name!r} is not installed; reinstall Arena (pip install .)")
    return Path(list(spec.submodule_search_locations)[0])


@cache
def task_dir() -> Path:
    """The folder holding ``<Task>.yaml`` files (the repository's ``tasks/``)."""
    return _package_dir("arena.task_files")


@cache
def asset_dir() -> Path:
    """The folder holding Arena's own assets (the repository's ``assets/``)."""
    return _package_dir("arena.asset_files")


@cache
def franka_mesh_dir() -> Path:
    """The Franka Panda STL meshes inside the installed gymnasium-robotics wheel.

    The package is located without importing it (importing pulls in its environments).
    """
    path = _package_dir(ROBOT_ASSET_PACKAGE).joinpath(*_FRANKA_MESH_SUBDIR)
    if not (path / "visual" / "link0.stl").is_file():
        raise ArenaError(f"Franka meshes not found under {path}; reinstall gymnasium-robotics==1.4.2")
    return path
