"""Registers ``Arena-<Task>`` and ``Arena-<Task>-<Axis>`` gymnasium ids for every shipped task."""

from __future__ import annotations

import gymnasium as gym

from arena.env import SUPPORTED_AXES
from arena.task_spec import load_task, task_names

ENTRY_POINT = "arena.env:ArenaEnv"


def env_id(task: str, axis: str | None = None) -> str:
    """The gymnasium id of a task (and axis)."""
    return f"Arena-{task}" if axis is None else f"Arena-{task}-{axis}"


def registered_ids() -> list[str]:
    """Every Arena id, in registration order."""
    ids = []
    for task in task_names():
        ids.append(env_id(task))
        ids.extend(env_id(task, axis) for axis in SUPPORTED_AXES)
    return ids


def applicable_ids() -> list[str]:
    """Registered ids whose axis applies to their task (the others raise AxisNotApplicableError on make)."""
    from arena.perturbations import axis_applies

    ids = []
    for task in task_names():
        spec = load_task(task)
        ids.append(env_id(task))
        ids.extend(env_id(task, axis) for axis in SUPPORTED_AXES if axis_applies(axis, spec))
    return ids


def register_all() -> None:
    """Register every id (idempotent)."""
    for task in task_names():
        max_steps = load_task(task).max_steps
        for axis in (None, *SUPPORTED_AXES):
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


def _install_unknown_id_hint() -> None:
    """Extend gymnasium's "doesn't exist" error for ``Arena-*`` ids with the valid task and axis names.

    Gymnasium only suggests one close match; a benchmark user needs the full list. The hook wraps
    gymnasium's private name check and is skipped if that function ever disappears.
    """
    from gymnasium.envs import registration as gym_registration

    original = getattr(gym_registration, "_check_name_exists", None)
    if original is None or getattr(original, "_arena_hint", False):
        return

    def check_name_exists(ns: str | None, name: str) -> None:
        try:
            original(ns, name)
        except gym.error.NameNotFound as error:
            if ns is None and name.startswith("Arena-"):
                raise gym.error.NameNotFound(
                    f"{error} Arena ids are Arena-<Task> or Arena-<Task>-<Axis>; valid tasks: "
                    f"{', '.join(task_names())}; valid axes: {', '.join(SUPPORTED_AXES)}"
                ) from None
            raise

    check_name_exists._arena_hint = True  # type: ignore[attr-defined]
    gym_registration._check_name_exists = check_name_exists
