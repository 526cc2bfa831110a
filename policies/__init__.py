"""Policies: the interface, the scripted expert, baselines and learned policies (installed as ``arena.policies``).

Names are imported on first use, so ``arena.policies.learned`` loads without the simulator-side expert.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Policy": "arena.policies.base",
    "RandomPolicy": "arena.policies.random_policy",
    "ScriptedExpert": "arena.policies.expert",
}

__all__ = ["Policy", "RandomPolicy", "ScriptedExpert", "load"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'arena.policies' has no attribute {name!r}")


def load(checkpoint: str, env: Any = None) -> Any:
    """A learned policy from a checkpoint folder or a shipped name (``load("arena-vla-small")``); needs the
    ``learning`` extra. With ``env``, checks that it renders the cameras and image size the policy was trained on."""
    from arena.policies.learned.factory import load as load_checkpoint

    return load_checkpoint(checkpoint, env)
