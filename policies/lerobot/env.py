"""An Arena env as LeRobot's evaluation loop expects gym envs (lerobot 0.6.2, commit 7427f31).

LeRobot's ``preprocess_observation`` reads ``pixels`` (a dict camera -> uint8 H x W x 3 image, which it turns into
``observation.images.<camera>``, float C x H x W in [0, 1]) and ``agent_pos`` (-> ``observation.state``); its
``rollout`` reads the language task from the env's ``task_description`` (or ``task``) attribute and success from
``info["is_success"]``. This wrapper provides exactly those, so LeRobot users can run their own loop on Arena.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces


class LeRobotEnv(gym.Wrapper):
    """Arena observations as ``{"pixels": {camera: image}, "agent_pos": state}``; ``info["is_success"]``; the
    episode's instruction as ``task_description`` and the Arena task name as ``task``.

    ``agent_pos`` is Arena's 15-value state (TCP position 3, TCP quaternion w x y z 4, gripper gap 1, joints 7).
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        unwrapped = env.unwrapped
        self.cameras: tuple[str, ...] = tuple(getattr(unwrapped, "cameras", ()))
        if getattr(unwrapped, "obs_mode", "rgb") == "state":
            self.cameras = ()
        height, width = getattr(unwrapped, "image_size", (128, 128))
        state_space = env.observation_space["state"]
        fields: dict[str, spaces.Space] = {"agent_pos": state_space}
        if self.cameras:
            image = spaces.Box(0, 255, (height, width, 3), np.uint8)
            fields["pixels"] = spaces.Dict({camera: image for camera in self.cameras})
        self.observation_space = spaces.Dict(fields)
        self.task: str = getattr(getattr(unwrapped, "task", None), "name", "") or ""
        self.task_description: str = ""

    def _convert(self, observation: dict[str, Any]) -> dict[str, Any]:
        self.task_description = str(observation["instruction"])
        converted: dict[str, Any] = {"agent_pos": np.asarray(observation["state"], dtype=np.float32)}
        if self.cameras:
            converted["pixels"] = {camera: observation[f"images/{camera}"] for camera in self.cameras}
        return converted

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict]:
        observation, info = self.env.reset(seed=seed, options=options)
        info["is_success"] = bool(info.get("success", False))
        return self._convert(observation), info

    def step(self, action: Any) -> tuple[dict[str, Any], float, bool, bool, dict]:
        observation, reward, terminated, truncated, info = self.env.step(action)
        info["is_success"] = bool(info.get("success", False))
        return self._convert(observation), reward, terminated, truncated, info
