"""Expert skills only the InsertOntoSquarePeg task needs (the ring is picked by the generic ``pick`` with a 40 mm
opening).

- ``slip_over``: the generic ``place_at`` descends while it lines up, which jams a ring with a millimetre of play
  on the peg's edge; and the far finger sits in the ring's hole, right above the peg, so the ring cannot be carried
  all the way down. This skill lines the ring's hole up with the peg while hovering above it, lowers it straight
  down until the hole is ``depth`` over the peg's top, and lets go: the ring drops down the peg.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.policies.motion import CLOSE, SkillContext, SkillGen, down_quat, nearest_symmetric_yaw, yaw_of


def slip_over(
    ctx: SkillContext,
    object: str,  # noqa: A002
    target: str,
    target_site: str,
    site: str = "bottom",
    depth: float = 0.004,
    hover: float = 0.012,
    yaw: float = 0.0,
    symmetry: float = np.pi / 2,
    tolerance: float = 0.0007,
) -> SkillGen:
    """Lower the grasped ``object`` so that its ``site`` comes ``depth`` metres below ``target/target_site`` (a peg's
    top), heading at ``yaw`` from the target's modulo ``symmetry``; release and retreat upward.

    First the site hovers ``hover`` metres above the target site until it is within ``tolerance`` of it seen from
    above (closed loop on the measured site); then it goes straight down, pausing whenever it drifts off line.
    Of the headings equivalent under ``symmetry`` it takes the one that leaves the hand nearest its home heading.
    """
    state = ctx.state
    tcp, tcp_quat = ctx.tcp()
    _, obj_quat = state.object_pose(object)
    _, target_quat = state.object_pose(target)
    obj_yaw, hand_yaw = yaw_of(obj_quat), yaw_of(tcp_quat)
    # Of the equivalent headings, the one that brings the hand nearest its home heading (0): the wrist then never
    # ends more than symmetry / 2 from it, far from its joint limit.
    turn = nearest_symmetric_yaw(yaw_of(target_quat) + yaw, obj_yaw - hand_yaw, symmetry) - obj_yaw
    quat = down_quat(hand_yaw + turn)
    offset = ctx.offset_after_turn(object, site, turn)
    top = state.site_pos(target, target_site)
    carry = max(tcp[2], top[2] + offset[2] + hover + 0.05)
    yield from ctx.move([*(top[:2] + offset[:2]), carry], quat, CLOSE, speed=0.035, tol=0.01)
    yield from ctx.move(top + offset + [0, 0, hover], quat, CLOSE, speed=0.03, tol=0.004)
    for _ in range(60):  # line up while hovering
        tcp, _ = ctx.tcp()
        error = state.site_pos(target, target_site) + [0, 0, hover] - state.site_pos(object, site)
        if np.linalg.norm(error[:2]) < tolerance and abs(error[2]) < 0.003:
            break
        yield ctx.delta_toward(tcp + error, quat, 0.006, CLOSE)
    for _ in range(80):  # straight down, holding the line
        tcp, _ = ctx.tcp()
        error = state.site_pos(target, target_site) - [0, 0, depth] - state.site_pos(object, site)
        if abs(error[2]) < 0.0015:
            break
        if np.linalg.norm(error[:2]) > tolerance:
            error[2] = 0.0
        yield ctx.delta_toward(tcp + error, quat, 0.004, CLOSE)
    yield from ctx.release(quat)


SKILLS: dict[str, Callable] = {"slip_over": slip_over}
