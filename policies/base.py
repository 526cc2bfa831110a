"""The policy interface every Arena policy implements."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Policy(Protocol):
    """A policy maps observations to actions.

    A policy is built by a factory called with the gymnasium env it acts in (a policy class is its own factory).
    ``act`` returns one action of the env's action shape, or an action chunk of shape (n, action_dim) that the
    harness executes step by step before asking again.

    The factory declares the observations it needs with ``obs_mode``: ``state`` (proprioception and the
    instruction only), ``rgb`` (the default when nothing is declared) or ``rgbd``. The harness builds envs
    accordingly; it never guesses from the policy's name.
    """

    #: Stable identifier written into results.
    policy_id: str
    #: Observations the policy needs (``state``, ``rgb`` or ``rgbd``).
    obs_mode: ClassVar[str]

    def reset(self, instruction: str, seed: int | None = None) -> None:
        """Start a new episode with its language instruction."""

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        """The next action (or action chunk) for ``observation``."""

    def metadata(self) -> dict[str, Any]:
        """JSON-serialisable description of the policy (version, checkpoint, parameters)."""
