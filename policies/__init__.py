"""Policies: the interface, the scripted expert and baselines (installed as ``arena.policies``)."""

from arena.policies.base import Policy
from arena.policies.expert import ScriptedExpert
from arena.policies.random_policy import RandomPolicy

__all__ = ["Policy", "RandomPolicy", "ScriptedExpert"]
