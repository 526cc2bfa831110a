"""Expert skills only the SetupChess task needs: putting displaced objects back on their home sites."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from arena.policies.motion import SkillContext, SkillGen


def return_home(
    ctx: SkillContext,
    objects: list[str],
    grip_site: str = "grip",
    grip_height: float = 0.0,
    within: float = 0.006,
) -> SkillGen:
    """Put each of ``objects`` that is off its ``home`` (the task file's object field) back on it, upright.

    An object whose ``base`` already stands within ``within`` metres of its home site (seen from above) and upright
    is left alone. Others are grasped from above at ``grip_site`` (``grip_height`` metres above it), lifted until
    their base clears the top of every other piece, carried over the home site and set down on it with the
    closed-loop descent of ``place_at``, pressed onto the square, then released.
    """
    from arena.policies.expert import pick, place_at  # the expert imports this module

    state = ctx.state
    task = ctx.env.task
    for name in objects:
        home = task.object(name).home
        offset = state.site_pos(name, "base")[:2] - state.site_pos(home.object, home.site)[:2]
        upright = state.object_axis(name, "z")[2] > np.cos(0.15)
        if float(np.linalg.norm(offset)) <= within and upright:
            continue
        # carried high enough that its base clears the top of every other piece (a large king stands 10 cm tall)
        tallest = max((float(state.site_pos(other, "top")[2]) for other in objects if other != name), default=0.0)
        lift = max(0.10, tallest + 0.02)
        # fingers opened to 5 cm only (the widest piece is 3.5 cm): they come down clear of a neighbour 5 cm away
        yield from pick(
            ctx, name, site=grip_site, yaw=0.0, symmetry=np.pi / 2, height=grip_height, lift=lift, opening=0.05
        )
        yield from place_at(
            ctx,
            name,
            home.object,
            home.site,
            site="base",
            height=0.002,
            yaw=home.yaw,
            symmetry=np.pi / 2,
            approach=0.05,
            press=0.006,  # set the piece down on its square before letting go: a released piece must not be dragged
        )


SKILLS: dict[str, Callable[..., Any]] = {"return_home": return_home}
