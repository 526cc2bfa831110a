"""Uniformly random actions: the floor every policy should beat."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np


class RandomPolicy:
    """Samples actions uniformly from the action space, seeded per episode."""

    policy_id = "random"

    def __init__(self, action_space: gym.spaces.Box) -> None:
        self.action_space = action_space
        self._rng = np.random.default_rng(0)

    def reset(self, instruction: str, seed: int | None = None) -> None:
        self._rng = np.random.default_rng(seed)

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        low, high = self.action_space.low, self.action_space.high
        return self._rng.uniform(low, high).astype(np.float32)

    def metadata(self) -> dict[str, Any]:
        return {"kind": "random"}
