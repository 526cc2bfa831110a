"""The expert-plan language: skill names and the arguments each takes.

A task's ``expert`` field is a list of skills; this module is what a plan may say, checked when the task loads.
The scripted expert (``arena.policies.expert``) implements one generator per name here, and a test holds the
two sets equal. Arguments may hold ``{variant}`` placeholders, filled in per episode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from arena.errors import TaskSpecError


class PlanError(TaskSpecError):
    """An expert plan that names an unknown skill, object or argument."""


@dataclass(frozen=True)
class SkillSignature:
    """Arguments a skill takes; ``objects`` are the ones that must name task objects."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()


SKILL_SIGNATURES: dict[str, SkillSignature] = {
    "pick": SkillSignature(("object",), ("lift",), objects=("object",)),
    "place_on": SkillSignature(("object", "support"), ("clearance",), objects=("object", "support")),
    "push_to": SkillSignature(("object", "target"), ("tolerance",), objects=("object", "target")),
    "pull_handle": SkillSignature(("object", "site", "distance"), ("pitch",), objects=("object",)),
    "close_lid": SkillSignature(("object",), ("end_angle",), objects=("object",)),
}


def check_plan(plan: Any, object_names: set[str]) -> None:
    """Validate an ``expert`` plan; raise :class:`PlanError` naming the bad step and what is accepted."""
    if not isinstance(plan, list) or not plan:
        raise PlanError("expert: expected a non-empty list of skills")
    for index, step in enumerate(plan):
        where = f"expert[{index}]"
        if not isinstance(step, Mapping) or len(step) != 1:
            raise PlanError(f"{where}: expected one skill out of {sorted(SKILL_SIGNATURES)}")
        ((name, args),) = step.items()
        if name not in SKILL_SIGNATURES:
            raise PlanError(f"{where}: unknown skill {name!r}; valid skills: {sorted(SKILL_SIGNATURES)}")
        signature = SKILL_SIGNATURES[name]
        args = args or {}
        if not isinstance(args, Mapping):
            raise PlanError(f"{where}.{name}: expected a mapping of arguments {list(signature.required)}")
        missing = set(signature.required) - set(args)
        extra = set(args) - set(signature.required) - set(signature.optional)
        if missing or extra:
            raise PlanError(
                f"{where}.{name}: missing {sorted(missing)} / unexpected {sorted(extra)}; "
                f"required {list(signature.required)}, optional {list(signature.optional)}"
            )
        for key in signature.objects:
            if "{" not in str(args[key]) and args[key] not in object_names:
                raise PlanError(
                    f"{where}.{name}.{key}: unknown object {args[key]!r}; task objects: {sorted(object_names)}"
                )
