"""``checkpoint:<folder or shipped name>`` policies: a factory that reads the checkpoint's config (no torch) so the
harness knows the cameras, image size and observation mode to build envs with, then loads the network per env."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arena.policies.learned.config import CheckpointError, read_config


class CheckpointFactory:
    """Builds a :class:`~arena.policies.learned.policy.CheckpointPolicy` for an env; declares what it observes."""

    def __init__(self, checkpoint: str | Path, device: str = "cpu") -> None:
        self.checkpoint = str(checkpoint)
        self.device = device
        self.config = read_config(checkpoint)
        self.obs_mode: str = self.config["obs_mode"]
        self.cameras: tuple[str, ...] = tuple(self.config["cameras"])
        self.image_size: int = int(self.config["image_size"])
        self.policy_id = f"checkpoint:{self.checkpoint}"

    def __call__(self, env: Any = None) -> Any:
        try:
            from arena.policies.learned.policy import CheckpointPolicy
        except ImportError as error:
            raise CheckpointError(
                f"{self.policy_id} needs the learning extra ({error.name or error} is missing): "
                "pip install torch==2.13.0 && pip install -e '.[learning]'"
            ) from None
        return CheckpointPolicy(self.config["folder"], env, policy_id=self.policy_id, device=self.device)


def load(checkpoint: str | Path, env: Any = None) -> Any:
    """A policy from a checkpoint folder or shipped name (``arena.policies.load("arena-vla-small")``); with ``env``
    the env is checked to render what the policy needs."""
    return CheckpointFactory(checkpoint)(env)
