"""Expert skills only the BasketballInHoop task needs: dropping a held ball through a ring."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.policies.motion import CLOSE, SkillContext, SkillGen, down_quat, nearest_symmetric_yaw, yaw_of


def drop_through(
    ctx: SkillContext,
    object: str,  # noqa: A002 - YAML field name
    ring: str,
    site: str,
    height: float = 0.04,
    tolerance: float = 0.002,
    approach: float = 0.06,
) -> SkillGen:
    """Carry the grasped ball over ``ring/site`` with its centre ``height`` metres above it, let go, and rise.

    The hand turns so that its fingers open along the ring object's y axis (parallel to a hoop's backboard, so the
    hand never reaches toward the board); the heading comes from the ring and the hand, never from the ball, whose
    own frame means nothing once it has rolled. The last part of the descent is closed-loop on the ball's centre,
    which hangs wherever the fingers caught it.
    """
    state = ctx.state
    tcp, tcp_quat = ctx.tcp()
    _, ring_quat = state.object_pose(ring)
    hand_yaw = yaw_of(tcp_quat)
    heading = nearest_symmetric_yaw(yaw_of(ring_quat), hand_yaw, np.pi)
    turn = heading - hand_yaw
    quat = down_quat(heading)
    offset = ctx.offset_after_turn(object, "center", turn)
    goal = state.site_pos(ring, site) + [0.0, 0.0, height]
    carry = max(tcp[2], goal[2] + offset[2] + approach)
    yield from ctx.move([*(goal[:2] + offset[:2]), carry], quat, CLOSE, speed=0.035, tol=0.01)
    for _ in range(80):  # come down over the ring, re-aiming the ball's centre every step
        tcp, _ = ctx.tcp()
        error = goal - state.site_pos(object, "center")
        if abs(error[2]) < tolerance and np.linalg.norm(error[:2]) < tolerance:
            break
        if np.linalg.norm(error[:2]) > 2 * tolerance:
            error[2] = max(error[2], -0.004)  # line up before going lower
        yield ctx.delta_toward(tcp + error, quat, 0.02, CLOSE)
    yield from ctx.release(quat, steps=6, rise=0.08)


SKILLS: dict[str, Callable] = {"drop_through": drop_through}
