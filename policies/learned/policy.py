"""A trained checkpoint as an Arena policy: observations in, an action chunk out."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch

from arena.policies.learned.checkpoint import load_network, weights_digest
from arena.policies.learned.config import CheckpointError
from arena.policies.learned.networks import state_features


class CheckpointPolicy:
    """Acts with a ``vla`` or ``bc`` checkpoint (``arena train`` output or a shipped name).

    ``act`` returns the first ``execute_steps`` actions of the predicted chunk, shaped (n, 7), in the env's
    ``ee_delta`` units and clipped to its bounds; the harness executes them before asking again. Inference runs on
    one torch thread (one per evaluation worker).
    """

    obs_mode: ClassVar[str] = "rgb"

    def __init__(self, checkpoint: str | Path, env: Any = None, policy_id: str | None = None) -> None:
        from arena.policies.learned.encoders import set_single_thread

        set_single_thread()
        self.network, self.config = load_network(checkpoint)
        self.policy_id = policy_id or f"checkpoint:{checkpoint}"
        self.cameras = list(self.config["cameras"])
        self.kind = self.config["policy"]
        norm = self.config["normalization"]
        self._state_mean, self._state_std = (np.array(norm["state"][k], dtype=np.float32) for k in ("mean", "std"))
        self._action_mean, self._action_std = (np.array(norm["action"][k], dtype=np.float32) for k in ("mean", "std"))
        spec = self.config["action_spec"]
        self._low, self._high = np.array(spec["low"]), np.array(spec["high"])
        self._text = torch.zeros(1, 1)
        if self.kind == "vla":
            from arena.policies.learned.encoders import image_encoder, instruction_encoder

            self._image_encoder, self._instruction_encoder = image_encoder(), instruction_encoder()
        if env is not None:
            self._check_env(env)

    def _check_env(self, env: Any) -> None:
        unwrapped = env.unwrapped
        missing = [c for c in self.cameras if c not in getattr(unwrapped, "cameras", ())]
        size = tuple(getattr(unwrapped, "image_size", ()))
        want = (self.config["image_size"], self.config["image_size"])
        if missing or size != want or getattr(unwrapped.controller, "mode", "ee_delta") != self.config["control_mode"]:
            raise CheckpointError(
                f"{self.policy_id} needs cameras {self.cameras} at {want[0]} px with control_mode "
                f"{self.config['control_mode']!r}; the env renders {list(getattr(unwrapped, 'cameras', ()))} at "
                f"{size} (build it with cameras=..., image_size=...)"
            )

    def reset(self, instruction: str, seed: int | None = None) -> None:
        """Embed the episode's instruction (the ``vla``; ``bc`` is per task and ignores it)."""
        if self.kind == "vla":
            self._text = torch.from_numpy(self._instruction_encoder.encode([instruction]))

    @torch.no_grad()
    def act(self, observation: dict[str, Any]) -> np.ndarray:
        """The next ``execute_steps`` actions, shaped (n, 7)."""
        missing = [c for c in self.cameras if f"images/{c}" not in observation]
        if missing:
            raise CheckpointError(f"{self.policy_id} needs images of {missing}; the observation has none")
        frames = np.stack([observation[f"images/{c}"] for c in self.cameras])
        state = (state_features(observation["state"]) - self._state_mean) / self._state_std
        state_tensor = torch.from_numpy(state.astype(np.float32))
        images = self._image_encoder(frames)[None] if self.kind == "vla" else torch.from_numpy(frames)[None]
        chunk = self.network(images, self._text, state_tensor)[0].numpy()
        actions = chunk * self._action_std + self._action_mean
        return np.clip(actions[: self.config["execute_steps"]], self._low, self._high)

    def metadata(self) -> dict[str, Any]:
        """What results record about the checkpoint."""
        training = self.config["training"]
        return {
            "policy": self.kind, "checkpoint": self.config["folder"], "weights_sha256": weights_digest(
                self.config["folder"]), "tasks": self.config.get("tasks"), "data_hash": training.get("data_hash"),
            "steps": training.get("steps"), "arena_version": self.config["arena_version"],
        }  # fmt: skip
