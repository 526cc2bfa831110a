"""Expert skills of the rope tasks: StraightenRope's end-by-end straightening."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.policies.motion import CLOSE, OPEN, SkillContext, SkillGen, down_quat, nearest_symmetric_yaw, yaw_of


def straighten_rope(ctx: SkillContext, rope: str, marks: str, lift: float = 0.03) -> SkillGen:
    """Lay ``rope`` straight between the two marks of ``marks``.

    The end nearer to a mark is laid on it first (ends and marks paired so the two carries are shortest); then the
    other end is picked and pulled along the table to the other mark, drawing the rope out behind it; an end that
    this dragged more than 1.5 cm off its mark is laid back (twice at most). Each end is grasped across its end link
    from above, the fingertips just clear of the table.
    """
    state = ctx.state
    ends = {end: state.site_pos(rope, f"end_{end}") for end in "ab"}
    spots = {mark: state.site_pos(marks, f"mark_{mark}") for mark in "ab"}
    straight = np.linalg.norm(ends["a"] - spots["a"]) + np.linalg.norm(ends["b"] - spots["b"])
    crossed = np.linalg.norm(ends["a"] - spots["b"]) + np.linalg.norm(ends["b"] - spots["a"])
    pairs = [("a", "a"), ("b", "b")] if straight <= crossed else [("a", "b"), ("b", "a")]
    pairs.sort(key=lambda pair: float(np.linalg.norm(ends[pair[0]] - spots[pair[1]])))
    for end, mark in pairs:
        yield from _grasp_end(ctx, rope, end)
        yield from _carry_end(ctx, rope, end, marks, mark, lift)
    for _ in range(2):  # pulling the second end may have dragged the first off its mark: lay it back
        end, mark = max(pairs, key=lambda pair: _miss(ctx, rope, marks, *pair))
        if _miss(ctx, rope, marks, end, mark) < _RESET_MISS:
            break
        yield from _grasp_end(ctx, rope, end)
        yield from _carry_end(ctx, rope, end, marks, mark, lift=0.02)


#: How far (metres, seen from above) an end may lie from its mark before the expert lays it back.
_RESET_MISS = 0.015


def _miss(ctx: SkillContext, rope: str, marks: str, end: str, mark: str) -> float:
    """Distance seen from above between the rope's ``end`` and the mark ``mark``."""
    offset = ctx.state.site_pos(rope, f"end_{end}") - ctx.state.site_pos(marks, f"mark_{mark}")
    return float(np.linalg.norm(offset[:2]))


def _link_yaw(ctx: SkillContext, rope: str, end: str) -> float:
    """Heading of the end link's axis (radians)."""
    grip = ctx.state.site_pos(rope, f"grip_{end}")
    tip = ctx.state.site_pos(rope, f"end_{end}")
    return float(np.arctan2(tip[1] - grip[1], tip[0] - grip[0]))


def _grasp_end(ctx: SkillContext, rope: str, end: str) -> SkillGen:
    state = ctx.state
    _, tcp_quat = ctx.tcp()
    # fingers close across the link: the hand's x axis (finger travel is along its y) along the link
    quat = down_quat(nearest_symmetric_yaw(_link_yaw(ctx, rope, end), yaw_of(tcp_quat), np.pi))
    radius = state.task.object(rope).shape.radius * state.scales.get(rope, 1.0)
    height = max(radius, 0.0095)  # the pads reach 8.5 mm below the TCP: keep them just off the table
    grip = state.site_pos(rope, f"grip_{end}")
    yield from ctx.move([grip[0], grip[1], 0.10], quat, OPEN, tol=0.01)
    grip = state.site_pos(rope, f"grip_{end}")
    yield from ctx.move([grip[0], grip[1], 0.04], quat, OPEN, tol=0.006, speed=0.03)
    grip = state.site_pos(rope, f"grip_{end}")
    yield from ctx.move([grip[0], grip[1], height], quat, OPEN, tol=0.003, speed=0.015, max_steps=40)
    yield from ctx.hold(CLOSE, 8)


def _carry_end(ctx: SkillContext, rope: str, end: str, marks: str, mark: str, lift: float) -> SkillGen:
    state = ctx.state
    tcp, quat = ctx.tcp()
    yield from ctx.move(tcp + [0, 0, lift], quat, CLOSE, tol=0.008, speed=0.03)
    for _ in range(200):  # carry the end over its mark, re-aiming at where the end hangs below the hand
        tcp, _ = ctx.tcp()
        error = state.site_pos(marks, f"mark_{mark}")[:2] - state.site_pos(rope, f"end_{end}")[:2]
        if np.linalg.norm(error) < 0.006:
            break
        yield ctx.delta_toward([tcp[0] + error[0], tcp[1] + error[1], tcp[2]], quat, 0.03, CLOSE)
    tcp, _ = ctx.tcp()
    radius = state.task.object(rope).shape.radius * state.scales.get(rope, 1.0)
    low = max(radius, 0.0095) + 0.003
    yield from ctx.move([tcp[0], tcp[1], low], quat, CLOSE, tol=0.003, speed=0.02, max_steps=40)
    yield from ctx.release(quat, rise=0.08)


SKILLS: dict[str, Callable[..., SkillGen]] = {"straighten_rope": straighten_rope}
