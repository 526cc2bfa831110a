"""A policy with LeRobot's interface as an Arena policy (lerobot 0.6.2, commit 7427f31).

LeRobot policies (``PreTrainedPolicy``) take a batch of tensors in ``select_action(batch)`` and return one action
per batch row, keeping their own action-chunk queue, which ``reset()`` clears. The batch follows LeRobot's
``preprocess_observation`` plus the task its ``rollout`` adds: ``observation.images.<camera>`` float32
(1, 3, H, W) in [0, 1], ``observation.state`` float32 (1, 15) and ``task`` (a list with the instruction). Cameras
keep Arena's names unless ``camera_names`` renames them (``{"front": "top"}`` gives ``observation.images.top``).
The policy's own pre/post-processors (normalisation) are the caller's to apply, as in LeRobot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from arena.errors import PolicyError

IMAGE_KEY = "observation.images.{}"
STATE_KEY = "observation.state"
TASK_KEY = "task"


def lerobot_batch(
    observation: Mapping[str, Any], cameras: Sequence[str], camera_names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """An Arena observation as a LeRobot batch of one, in numpy (see the module docstring)."""
    names = dict(camera_names or {})
    batch: dict[str, Any] = {}
    for camera in cameras:
        image = observation.get(f"images/{camera}")
        if image is None:
            raise PolicyError(f"LeRobot policy needs images/{camera}; the observation has {sorted(observation)}")
        chw = np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / 255.0
        batch[IMAGE_KEY.format(names.get(camera, camera))] = chw[None]
    batch[STATE_KEY] = np.asarray(observation["state"], dtype=np.float32)[None]
    batch[TASK_KEY] = [str(observation["instruction"])]
    return batch


class LeRobotPolicy:
    """Wraps ``policy`` (anything with LeRobot's ``select_action(batch)`` and ``reset()``) as an Arena policy.

    Args:
        policy: The LeRobot policy (a ``PreTrainedPolicy`` or any object with the same two methods).
        cameras: Arena cameras fed to it, in order.
        camera_names: Optional renaming of cameras to the names the policy was trained with.
        device: Torch device for the batch (``cuda``); default CPU.
        to_tensors: Converts the numpy batch for the policy; default numpy -> torch tensors.
    """

    obs_mode = "rgb"

    def __init__(
        self,
        policy: Any,
        cameras: Sequence[str] = ("front", "wrist"),
        camera_names: Mapping[str, str] | None = None,
        device: str | None = None,
        to_tensors: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        policy_id: str = "lerobot",
    ) -> None:
        missing = [m for m in ("select_action", "reset") if not callable(getattr(policy, m, None))]
        if missing:
            raise PolicyError(f"{type(policy).__name__} lacks LeRobot's {missing}; expected select_action and reset")
        self.policy, self.cameras, self.camera_names = policy, tuple(cameras), dict(camera_names or {})
        self.device, self.policy_id = device, policy_id
        self._to_tensors = to_tensors

    def reset(self, instruction: str, seed: int | None = None) -> None:
        """Clear the policy's queues (LeRobot's ``reset``)."""
        self.policy.reset()

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        """One action from ``select_action``, as a float array of the env's action shape."""
        batch = lerobot_batch(observation, self.cameras, self.camera_names)
        if self._to_tensors is not None:
            batch = self._to_tensors(batch)
        else:
            from arena.policies.learned.tensors import as_tensors

            batch = as_tensors(batch, self.device)
        from arena.policies.learned.tensors import as_numpy

        action = as_numpy(self.policy.select_action(batch)).astype(np.float64)
        return action[0] if action.ndim == 2 and action.shape[0] == 1 else action

    def metadata(self) -> dict[str, Any]:
        """What results record about the wrapped policy."""
        config = getattr(self.policy, "config", None)
        return {"kind": "lerobot", "class": type(self.policy).__name__, "type": getattr(config, "type", None),
                "cameras": list(self.cameras)}  # fmt: skip


def lerobot_factory(
    load: Callable[[], Any], cameras: Sequence[str] = ("front", "wrist"), image_size: int | None = None, **kwargs: Any
) -> Callable[[Any], LeRobotPolicy]:
    """An Arena policy factory (for ``arena eval --policy mymodule:factory``) that loads a LeRobot policy with
    ``load()`` once per process and declares the cameras and image size the envs must render."""
    loaded: list[Any] = []

    def factory(env: Any) -> LeRobotPolicy:
        if not loaded:
            loaded.append(load())
        return LeRobotPolicy(loaded[0], cameras, **kwargs)

    factory.obs_mode = "rgb"  # type: ignore[attr-defined]
    factory.cameras = tuple(cameras)  # type: ignore[attr-defined]
    if image_size:
        factory.image_size = image_size  # type: ignore[attr-defined]
    return factory
