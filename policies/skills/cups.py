"""Expert skills only the StackCups task needs: nesting the other cups into the target cup one by one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from arena.policies.motion import SkillContext, SkillGen


def nest_cups(
    ctx: SkillContext,
    target: str,
    cups: list[str],
    grip_height: float = -0.007,
    drop: float = 0.012,
) -> SkillGen:
    """Nest every cup of ``cups`` except ``target`` into the stack that starts with ``target``.

    Each cup is pinched at its ``lip`` (one finger inside the wall, one outside, ``grip_height`` metres below the
    rim), carried over the cup on top of the stack, lowered until its ``base`` hangs ``drop`` metres above that
    cup's ``nest`` site (its heading matched to the stack's modulo the angle between wall faces, so the faces meet
    flat) and let go: it falls the last centimetre into the funnel of the wall and centres itself. The drop
    keeps the outer finger clear of the lower cup's rim.
    """
    from arena.policies.expert import pick, place_at  # the expert imports this module

    segments = ctx.state.task.object(target).shape.segments
    top = target
    for cup in _nearest_first(ctx, target, [c for c in cups if c != target]):
        yield from pick(ctx, cup, site="lip", yaw=0.0, symmetry=np.pi, height=grip_height, lift=0.12)
        yield from place_at(
            ctx, cup, top, "nest", site="base", height=drop, yaw=0.0, symmetry=2 * np.pi / segments, approach=0.06
        )
        top = cup


def _nearest_first(ctx: SkillContext, target: str, cups: list[str]) -> list[str]:
    """The cups ordered by distance from the target (the nearest is carried first, over the shortest path)."""
    anchor = ctx.state.site_pos(target, "base")[:2]
    return sorted(cups, key=lambda c: float(np.linalg.norm(ctx.state.site_pos(c, "base")[:2] - anchor)))


SKILLS: dict[str, Callable[..., Any]] = {"nest_cups": nest_cups}
