"""The expert on a real robot: a plan computed from the ``EpisodeConfig``, replayed open loop.

Arena's scripted expert reads the simulator's privileged state, which a real robot does not have. What a real
session does know is the episode's set-up: the operator placed every object where the config says. So the expert
is planned in a simulation of that config on the bridge side, and the resulting end-effector targets (the ones
Arena's controller tracked in that simulation, one per control step, with the gripper command) are replayed as
``ee_pose`` actions. The plan is re-timed to the robot's speed limits, so the safety layer never has to clip it and
the gripper still closes where the plan expected the hand to be. It sees only what the operator set up: an object
placed off its outline, or physics the simulator gets wrong, makes it fail, which is what a real baseline is for.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from arena.geometry import axis_angle_to_quat, quat_error, quat_mul
from arena.spec.episode import EpisodeConfig

#: Control steps the plan keeps after the simulated success (the hand retreats and settles).
SETTLE_STEPS = 10


def plan_expert(config: EpisodeConfig) -> tuple[np.ndarray, bool]:
    """Plan the scripted expert on ``config`` in simulation: an (n, 8) array of TCP targets (position, quaternion
    w x y z, gripper) per control step, and whether the simulated episode succeeded."""
    from arena.env import ArenaEnv
    from arena.policies.expert import ScriptedExpert

    env = ArenaEnv(config.task, config.axis, obs_mode="state", episode_config=config)
    try:
        obs, _ = env.reset()
        expert = ScriptedExpert(env)
        expert.reset(obs["instruction"], config.seed)
        rows, success, after = [], False, 0
        for _ in range(env.max_episode_steps + SETTLE_STEPS):
            action = expert.act(obs)
            obs, _, terminated, truncated, info = env.step(action)
            position, quaternion = env.controller.target_pose
            rows.append([*position, *quaternion, float(action[-1])])
            success = success or bool(info["success"])
            after += success
            if after > SETTLE_STEPS or (truncated and not success):
                break
        return np.array(rows), success
    finally:
        env.close()


def retime(plan: np.ndarray, start: np.ndarray, max_step: float, max_turn: float) -> np.ndarray:
    """Insert interpolated targets wherever ``plan`` moves more than ``max_step`` metres or ``max_turn`` radians in
    one control step (from ``start``, a 7-vector pose, for the first row); gripper changes stay at the row's end."""
    rows = []
    previous = np.asarray(start, float)[:7]
    for row in plan:
        turn = quat_error(row[3:7], previous[3:7])
        count = max(
            1,
            math.ceil(np.linalg.norm(row[:3] - previous[:3]) / max_step - 1e-9),
            math.ceil(np.linalg.norm(turn) / max_turn - 1e-9),
        )
        for k in range(1, count):
            fraction = k / count
            quat = quat_mul(axis_angle_to_quat(turn * fraction), previous[3:7])
            rows.append([*(previous[:3] + fraction * (row[:3] - previous[:3])), *quat, rows[-1][7] if rows else row[7]])
        rows.append(list(row))
        previous = row
    return np.array(rows)


class PlannedExpert:
    """The ``expert`` policy of a real session (``ee_pose`` actions from :func:`plan_expert`, re-timed).

    Args:
        config: The episode (what the operator set up).
        max_step: Largest move per control step (metres): the robot's linear speed limit over its control rate.
        max_turn: Largest turn per control step (radians).
        start: The pose the arm starts from (7 values); default the plan's first target.
    """

    policy_id = "planned_expert"
    obs_mode: ClassVar[str] = "state"
    control_mode: ClassVar[str] = "ee_pose"

    def __init__(self, config: EpisodeConfig, max_step: float, max_turn: float, start: np.ndarray | None = None):
        raw, self.simulated_success = plan_expert(config)
        self.plan = retime(raw, raw[0, :7] if start is None else start, max_step, max_turn)
        self.raw_steps = len(raw)
        self._index = 0

    def reset(self, instruction: str = "", seed: int | None = None) -> None:
        self._index = 0

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        row = self.plan[min(self._index, len(self.plan) - 1)]
        self._index += 1
        return row.astype(np.float64)

    @property
    def finished(self) -> bool:
        """Whether every planned target has been sent."""
        return self._index >= len(self.plan)

    def metadata(self) -> dict[str, Any]:
        return {
            "kind": "planned",
            "privileged": False,
            "plan_steps": len(self.plan),
            "simulated_steps": self.raw_steps,
            "plan_succeeded_in_simulation": self.simulated_success,
        }
