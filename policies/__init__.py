"""Policies: the interface, the scripted expert and baselines (installed as ``arena.policies``)."""

from arena.policies.base import Policy
from arena.policies.expert import ScriptedExpert
from arena.policies.random_policy import RandomPolicy

__all__ = ["Policy", "RandomPolicy", "ScriptedExpert", "load"]


def load(checkpoint: str, env=None):  # noqa: ANN001, ANN201 - torch types stay out of this package's import
    """A learned policy from a checkpoint folder or a shipped name (``load("arena-vla-small")``); needs the
    ``learning`` extra. With ``env``, checks that it renders the cameras and image size the policy was trained on."""
    from arena.policies.learned.factory import load as load_checkpoint

    return load_checkpoint(checkpoint, env)
