"""Registers ``Arena-<Task>`` and ``Arena-<Task>-<Axis>`` gymnasium ids for every shipped task.

Registration needs only the spec layer (task names, axis names); the environment class is named by its entry
point and imported by gymnasium when an env is made, so ``import arena`` does not import MuJoCo.
"""

from __future__ import annotations

import gymnasium as gym

from arena.spec.axes import axis_applies
from arena.spec.axis_names import AXIS_NAMES
from arena.spec.task import load_task, task_names

ENTRY_POINT = "arena.env:ArenaEnv"
ID_PREFIX = "Arena-"


def env_id(task: str, axis: str | None = None) -> str:
    """The gymnasium id of a task (and axis)."""
    return f"{ID_PREFIX}{task}" if axis is None else f"{ID_PREFIX}{task}-{axis}"


def registered_ids() -> list[str]:
    """Every Arena id, in registration order."""
    ids = []
    for task in task_names():
        ids.append(env_id(task))
        ids.extend(env_id(task, axis) for axis in AXIS_NAMES)
    return ids


def applicable_ids() -> list[str]:
    """Registered ids whose axis applies to their task (the others raise AxisNotApplicableError on make)."""
    ids = []
    for task in task_names():
        spec = load_task(task)
        ids.append(env_id(task))
        ids.extend(env_id(task, axis) for axis in AXIS_NAMES if axis_applies(axis, spec))
    return ids


def valid_ids_hint() -> str:
    """One line naming the id pattern, the valid tasks and the valid axes (for error messages)."""
    return (
        f"Arena ids are Arena-<Task> or Arena-<Task>-<Axis>; valid tasks: {', '.join(task_names())}; "
        f"valid axes: {', '.join(AXIS_NAMES)}"
    )


def register_all() -> None:
    """Register every id (idempotent)."""
    for task in task_names():
        max_steps = load_task(task).max_steps
        for axis in (None, *AXIS_NAMES):
            name = env_id(task, axis)
            if name in gym.registry:
                continue
            gym.register(
                id=name,
                entry_point=ENTRY_POINT,
                kwargs={"task": task, "axis": axis or "None"},
                max_episode_steps=max_steps,
                disable_env_checker=True,
            )
