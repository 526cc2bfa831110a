"""A trained checkpoint as an Arena policy: observations in, an action chunk out."""

from __future__ import annotations

import copy
from collections.abc import Sequence
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
    one torch thread (one per evaluation worker) unless ``device`` names a GPU (``arena serve --device cuda``).
    """

    obs_mode: ClassVar[str] = "rgb"

    def __init__(
        self, checkpoint: str | Path, env: Any = None, policy_id: str | None = None, device: str = "cpu"
    ) -> None:
        from arena.policies.learned.encoders import ImageEncoder, set_single_thread

        self.device = _device(device)
        if self.device.type == "cpu":
            set_single_thread()
        else:  # full float32 on the GPU too: TF32 convolutions moved actions by ~1e-2 from the CPU's on an H100
            torch.backends.cudnn.allow_tf32 = False
            torch.backends.cuda.matmul.allow_tf32 = False
        self.network, self.config = load_network(checkpoint)
        self.network.to(self.device)
        self.policy_id = policy_id or f"checkpoint:{checkpoint}"
        self.cameras = list(self.config["cameras"])
        self.kind = self.config["policy"]
        norm = self.config["normalization"]
        self._state_mean, self._state_std = (np.array(norm["state"][k], dtype=np.float32) for k in ("mean", "std"))
        self._action_mean, self._action_std = (np.array(norm["action"][k], dtype=np.float32) for k in ("mean", "std"))
        spec = self.config["action_spec"]
        self._low, self._high = np.array(spec["low"]), np.array(spec["high"])
        self._text = torch.zeros(1, 1, device=self.device)
        if self.kind == "vla":
            from arena.policies.learned.encoders import image_encoder, instruction_encoder

            # The process's shared CPU encoder, or one of this policy's own on a GPU.
            self._image_encoder = image_encoder() if self.device.type == "cpu" else ImageEncoder().to(self.device)
            self._instruction_encoder = instruction_encoder()
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
            self._text = torch.from_numpy(self._instruction_encoder.encode([instruction])).to(self.device)

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        """The next ``execute_steps`` actions, shaped (n, 7)."""
        return self.act_batch([self], [observation])[0]

    def session(self) -> CheckpointPolicy:
        """A policy for another episode stream that shares this one's network and encoders but keeps its own
        episode state (the instruction embedding): ``arena serve`` gives each connection one."""
        clone = copy.copy(self)
        clone._text = torch.zeros(1, 1, device=self.device)
        return clone

    @torch.no_grad()
    def act_batch(
        self, sessions: Sequence[CheckpointPolicy], observations: Sequence[dict[str, Any]]
    ) -> list[np.ndarray]:
        """``act`` for several sessions of this policy (see :meth:`session`) in one forward pass, each with its own
        instruction; equal to calling each session's ``act`` up to float rounding of batched matrix products."""
        foreign = [i for i, s in enumerate(sessions) if s.network is not self.network]
        if foreign or len(sessions) != len(observations):
            raise CheckpointError(f"act_batch needs one observation per session of this policy (bad: {foreign})")
        for observation in observations:
            missing = [c for c in self.cameras if f"images/{c}" not in observation]
            if missing:
                raise CheckpointError(f"{self.policy_id} needs images of {missing}; the observation has none")
        frames = np.stack([np.stack([o[f"images/{c}"] for c in self.cameras]) for o in observations])
        states = np.concatenate([state_features(o["state"]) for o in observations])
        state_tensor = torch.from_numpy(((states - self._state_mean) / self._state_std).astype(np.float32))
        state_tensor = state_tensor.to(self.device)
        if self.kind == "vla":
            features = self._image_encoder(frames.reshape(-1, *frames.shape[2:]))
            images = features.reshape(len(observations), len(self.cameras), *features.shape[1:])
            text = torch.cat([s._text for s in sessions])
        else:
            images, text = torch.from_numpy(frames).to(self.device), self._text
        chunks = self.network(images, text, state_tensor).cpu().numpy()
        actions = chunks[:, : self.config["execute_steps"]] * self._action_std + self._action_mean
        return list(np.clip(actions, self._low, self._high))

    def metadata(self) -> dict[str, Any]:
        """What results record about the checkpoint."""
        training = self.config["training"]
        return {
            "policy": self.kind, "checkpoint": self.config["folder"], "weights_sha256": weights_digest(
                self.config["folder"]), "tasks": self.config.get("tasks"), "data_hash": training.get("data_hash"),
            "steps": training.get("steps"), "arena_version": self.config["arena_version"],
        }  # fmt: skip


def _device(name: str) -> torch.device:
    """``name`` as a torch device this machine has, or :class:`CheckpointError` saying what it has."""
    try:
        device = torch.device(name)
    except RuntimeError:
        raise CheckpointError(f"unknown device {name!r}; use cpu or cuda (cuda:N)") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise CheckpointError(f"device {name!r} asked for, but torch sees no CUDA GPU here; use cpu")
    if device.type not in ("cpu", "cuda"):
        raise CheckpointError(f"unsupported device {name!r}; use cpu or cuda (cuda:N)")
    return device
