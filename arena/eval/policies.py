"""Finding a policy by name without importing the policies package up front.

A policy name is a built-in (``expert``, ``random``), ``checkpoint:<folder or shipped name>`` (a trained
``vla``/``bc`` checkpoint, which declares its cameras and image size), ``remote:ws://HOST:PORT`` (a policy server,
see ``arena.policies.remote``) or an entry point ``package.module:factory``.
A factory is called with the gymnasium env the policy acts in and returns an object with
``reset(instruction, seed)`` and ``act(observation)`` (see ``arena.policies.Policy``). It may declare ``obs_mode``
(``state``, ``rgb`` or ``rgbd``, default ``rgb``), ``cameras`` and ``image_size``: the harness builds envs with the
observations the policy says it needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from arena.errors import ArenaError, UnknownNameError

#: Built-in policies, named by entry point so the evaluation core never imports ``arena.policies`` statically.
BUILTIN_POLICIES: dict[str, str] = {
    "expert": "arena.policies.expert:ScriptedExpert",
    "random": "arena.policies.random_policy:RandomPolicy",
}
#: Policies given as ``checkpoint:<folder or shipped name>`` are built by this factory class.
CHECKPOINT_PREFIX = "checkpoint:"
CHECKPOINT_FACTORY = "arena.policies.learned.factory:CheckpointFactory"
#: Policies given as ``remote:ws://HOST:PORT`` (a policy server speaking openpi's protocol) are built by this one.
REMOTE_PREFIX = "remote:"
REMOTE_FACTORY = "arena.policies.remote.client:RemoteFactory"
OBS_MODES: tuple[str, ...] = ("state", "rgb", "rgbd")
DEFAULT_OBS_MODE = "rgb"


class PolicyLoadError(ArenaError, ValueError):
    """A policy that cannot be loaded or built: the message names it and says why."""


def resolve_policy(name: str) -> Callable[[Any], Any]:
    """The factory a policy name stands for; one-line errors for unknown names and broken entry points."""
    if name.startswith(CHECKPOINT_PREFIX):
        checkpoint_factory = resolve_policy(CHECKPOINT_FACTORY)
        return checkpoint_factory(name[len(CHECKPOINT_PREFIX) :])
    if name.startswith(REMOTE_PREFIX):
        return resolve_policy(REMOTE_FACTORY)(name)
    target = BUILTIN_POLICIES.get(name, name)
    if ":" not in target:
        raise UnknownNameError(
            f"unknown policy {name!r}; valid: {', '.join(BUILTIN_POLICIES)}, checkpoint:<folder or shipped name> or "
            "remote:ws://HOST:PORT (a policy server) or an entry point 'package.module:factory'"
        )
    module_name, _, attribute = target.partition(":")
    try:
        factory: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            factory = getattr(factory, part)
    except ImportError as error:
        raise PolicyLoadError(
            f"cannot load policy {name!r}: module {module_name!r} does not import ({error})"
        ) from None
    except AttributeError:
        raise PolicyLoadError(f"cannot load policy {name!r}: {module_name!r} has no {attribute!r}") from None
    if not callable(factory):
        raise PolicyLoadError(f"policy {name!r} names {target!r}, which is not callable")
    return factory


def declared_obs_mode(factory: Callable[[Any], Any]) -> str:
    """The observation mode a policy factory declares (``obs_mode``), default ``rgb``."""
    mode = getattr(factory, "obs_mode", DEFAULT_OBS_MODE)
    if mode not in OBS_MODES:
        raise PolicyLoadError(f"policy factory {factory!r} declares obs_mode {mode!r}; valid: {', '.join(OBS_MODES)}")
    return mode


def env_kwargs(factory: Callable[[Any], Any], obs_mode: str | None = None) -> dict[str, Any]:
    """What the envs a policy acts in must render: its ``obs_mode`` and, where it declares them, ``cameras`` and
    ``image_size`` (a trained checkpoint sees exactly the cameras it was trained on)."""
    kwargs: dict[str, Any] = {"obs_mode": obs_mode or declared_obs_mode(factory)}
    for name in ("cameras", "image_size"):
        if getattr(factory, name, None):
            kwargs[name] = getattr(factory, name)
    return kwargs


def build_policy(name: str, env: Any) -> Any:
    """Build a policy for ``env``; raise :class:`PolicyLoadError` if it cannot be built or lacks the interface."""
    factory = resolve_policy(name)
    try:
        policy = factory(env)
    except ArenaError:
        raise
    except Exception as error:  # a user's factory may fail in any way; say which policy and why, in one line
        raise PolicyLoadError(f"policy {name!r} could not be built: {type(error).__name__}: {error}") from None
    missing = [method for method in ("reset", "act") if not callable(getattr(policy, method, None))]
    if missing:
        raise PolicyLoadError(f"policy {name!r} lacks method(s) {missing}; see arena.policies.Policy")
    return policy
