"""The expert-plan language: skill names and the arguments each takes.

A task's ``expert`` field is a list of skills; this module is what a plan may say, checked when the task loads.
The scripted expert (``arena.policies.expert``) implements one generator per name here, and a test holds the
two sets equal. Arguments may hold ``{variant}`` placeholders, filled in per episode.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from arena.errors import TaskSpecError
from arena.spec.signatures import Signature, check_arguments


class PlanError(TaskSpecError):
    """An expert plan that names an unknown skill, object or argument."""


SKILL_SIGNATURES: dict[str, Signature] = {
    "pick": Signature(("object",), ("lift", "site", "yaw", "symmetry", "height", "opening"), objects=("object",)),
    "place_on": Signature(("object", "support"), ("clearance",), objects=("object", "support")),
    "place_at": Signature(
        ("object", "target", "target_site"),
        ("site", "height", "yaw", "symmetry", "approach", "tolerance", "press"),
        objects=("object", "target"),
    ),
    "push_to": Signature(("object", "target"), ("tolerance",), objects=("object", "target")),
    "pull_handle": Signature(("object", "site", "distance"), ("pitch",), objects=("object",)),
    "close_lid": Signature(("object",), ("end_angle",), objects=("object",)),
    "close_laptop": Signature(("object",), ("lead", "below_edge"), objects=("object",)),
    "turn_knob": Signature(("object", "knob"), ("angle", "clearance"), objects=("object",)),
    "put_in_safe": Signature(("object", "safe", "shelf"), ("hand_reach", "push"), objects=("object", "safe")),
    "move_hanger": Signature(("object", "rack", "source", "target"), ("lift", "clear"), objects=("object", "rack")),
    "slip_over": Signature(
        ("object", "target", "target_site"),
        ("site", "depth", "hover", "yaw", "symmetry", "tolerance"),
        objects=("object", "target"),
    ),
    "nest_cups": Signature(("target", "cups"), ("grip_height", "drop"), objects=("target",)),
    "return_home": Signature(("objects",), ("grip_site", "grip_height", "within"), objects=()),
    "straighten_rope": Signature(("rope", "marks"), ("lift",), objects=("rope", "marks")),
    "wipe_area": Signature(("tool", "dirt"), ("press", "stroke_overlap", "mop_ups"), objects=("tool", "dirt")),
    "drop_through": Signature(
        ("object", "ring", "site"), ("height", "tolerance", "approach"), objects=("object", "ring")
    ),
    "scoop": Signature(("tool", "object"), ("gap", "tilt", "lift", "press"), objects=("tool", "object")),
    "fill_at_dispenser": Signature(("cup", "fridge"), ("pitch", "press", "hover"), objects=("cup", "fridge")),
    "tool_push": Signature(
        ("tool", "object", "target"),
        ("target_site", "until_site", "grip", "face", "normal", "along", "gap", "hover", "lift", "speed", "tolerance"),
        objects=("tool", "object", "target"),
    ),
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
        check_arguments(SKILL_SIGNATURES[name], args or {}, object_names, f"{where}.{name}", PlanError)
