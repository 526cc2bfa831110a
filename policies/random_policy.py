"""Uniformly random actions: the floor every policy should beat."""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np


class RandomPolicy:
    """Samples actions uniformly from the env's action space, seeded per episode."""

    policy_id = "random"
    obs_mode: ClassVar[str] = "state"

    def __init__(self, env: gym.Env) -> None:
        self.action_space = env.action_space
        self._rng = np.random.default_rng(0)

    def reset(self, instruction: str, seed: int | None = None) -> None:
        self._rng = np.random.default_rng(seed)

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        low, high = self.action_space.low, self.action_space.high
        return self._rng.uniform(low, high).astype(np.float32)

    def metadata(self) -> dict[str, Any]:
        return {"kind": "random"}
