"""Policy lookup by name: built-in names or a ``module:factory`` entry point."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from arena.errors import UnknownNameError
from arena.policies.base import Policy
from arena.policies.expert import ScriptedExpert
from arena.policies.random_policy import RandomPolicy

#: Built-in policies: name -> factory taking the (gymnasium) env the policy will act in.
BUILTIN_POLICIES: dict[str, Callable[[Any], Policy]] = {
    "expert": ScriptedExpert,
    "random": lambda env: RandomPolicy(env.action_space),
}


def make_policy(name: str, env: Any) -> Policy:
    """Build a policy for ``env`` from a built-in name or a ``package.module:factory`` entry point."""
    if name in BUILTIN_POLICIES:
        return BUILTIN_POLICIES[name](env)
    if ":" not in name:
        raise UnknownNameError(
            f"unknown policy {name!r}; valid: {', '.join(BUILTIN_POLICIES)} or an entry point 'module:factory'"
        )
    module_name, _, attribute = name.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise UnknownNameError(f"cannot load policy entry point {name!r}: {error}") from None
    policy = factory(env)
    missing = [method for method in ("reset", "act") if not callable(getattr(policy, method, None))]
    if missing:
        raise UnknownNameError(f"policy from {name!r} lacks method(s) {missing}; see arena.policies.Policy")
    return policy
