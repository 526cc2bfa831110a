"""Expert skills only the PutMoneyInSafe task needs: sliding a bundle of notes onto a safe's shelf."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.geometry import quat_to_mat
from arena.policies.motion import CLOSE, OPEN, SkillContext, SkillGen, down_quat, wrap_angle, yaw_of

#: Height of the tool centre point above the fingertips' lower edge (metres; arena/robot/panda.xml).
TCP_ABOVE_FINGERTIPS = 0.0085
#: How far the closed fingers' front faces reach ahead of the tool centre point (half a finger pad, metres).
FINGER_FRONT = 0.0095


def put_in_safe(
    ctx: SkillContext,
    object: str,  # noqa: A002 - YAML field name
    safe: str,
    shelf: str,
    hand_reach: float = 0.042,
    push: bool = True,
) -> SkillGen:
    """Pick the bundle ``object`` by one end, slide it into compartment ``shelf`` of ``safe``, let go, push it in.

    The bundle is pinched from above across its width at the end that needs the smaller turn, turned so its long
    axis points into the safe, carried in front of the compartment at the height of the compartment's middle and
    slid in until the hand (``hand_reach`` metres ahead of the tool centre point, the hinge barrel included) is at
    the safe's front plane; then it is lowered onto the floor and let go, and the closed fingers push its end in as
    far as the hand allows. Every move re-reads the bundle's pose, so a slip in the grasp is followed.
    """
    state = ctx.state
    _, safe_quat = state.object_pose(safe)
    inward = quat_to_mat(safe_quat)[:, 0].copy()
    inward[2] = 0.0
    inward /= np.linalg.norm(inward)
    inward_yaw = float(np.arctan2(inward[1], inward[0]))

    # -- which end: the bundle's long axis (object x) must end up along ``inward``, the grasped end at the rear
    _, notes_quat = state.object_pose(object)
    notes_yaw = yaw_of(notes_quat)
    turns = {"end_front": wrap_angle(inward_yaw - notes_yaw), "end_back": wrap_angle(inward_yaw - notes_yaw - np.pi)}
    end = min(turns, key=lambda k: abs(turns[k]))
    turn = turns[end]
    grasp_yaw = min((wrap_angle(notes_yaw), wrap_angle(notes_yaw + np.pi)), key=lambda g: abs(g) + abs(g + turn))
    quat = down_quat(grasp_yaw)

    # -- pick
    grasp = state.site_pos(object, end)
    grasp[2] = max(grasp[2], TCP_ABOVE_FINGERTIPS + 0.002)
    yield from ctx.move(grasp + [0, 0, 0.10], quat, OPEN, tol=0.01)
    yield from ctx.move(grasp + [0, 0, 0.03], quat, OPEN, speed=0.025)
    point = state.site_pos(object, end)
    grasp[:2] = point[:2]
    yield from ctx.move(grasp, quat, OPEN, tol=0.003, speed=0.015, max_steps=40)
    yield from ctx.hold(CLOSE, 8)

    slot = state.site_pos(safe, f"slot_{shelf}")
    floor = state.site_pos(safe, f"shelf_{shelf}")
    carry_z = max(slot[2] + 0.10, 0.16)
    tcp, _ = ctx.tcp()
    yield from ctx.move([tcp[0], tcp[1], carry_z], quat, CLOSE, speed=0.03, tol=0.01)

    # -- turn and carry in front of the compartment
    quat = down_quat(grasp_yaw + turn)
    tcp, _ = ctx.tcp()
    center = state.site_pos(object, "center")
    ahead = 2.0 * float(np.linalg.norm((center - tcp)[:2])) + 0.01  # how far the bundle reaches ahead of the hand
    drop = float(center[2] - tcp[2])  # the bundle's centre below the tool centre point
    inside = slot - inward * hand_reach  # tool centre point when fully in
    inside[2] = slot[2] - drop
    stage = inside - inward * (ahead + 0.03)
    yield from ctx.move([stage[0], stage[1], carry_z], quat, CLOSE, speed=0.04, tol=0.01, max_steps=80)
    yield from ctx.move(stage, quat, CLOSE, speed=0.03, tol=0.004)

    # -- slide in, keeping the bundle's centre on the line through the middle of the opening
    lateral = np.array([-inward[1], inward[0], 0.0])
    for _ in range(150):
        tcp, _ = ctx.tcp()
        center = state.site_pos(object, "center")
        along = float((inside - tcp) @ inward)
        if along < 0.002:
            break
        side = float((center - slot) @ lateral)
        height = float(slot[2] - center[2])
        goal = tcp + inward * min(along, 0.012) - lateral * side + [0.0, 0.0, height]
        yield ctx.delta_toward(goal, quat, 0.012, CLOSE)

    # -- lower onto the floor and let go
    top = state.site_pos(object, "top")
    center = state.site_pos(object, "center")
    half = float(top[2] - center[2])
    tcp, _ = ctx.tcp()
    down = float(center[2] - (floor[2] + half + 0.001))
    yield from ctx.move(tcp - [0, 0, down], quat, CLOSE, tol=0.002, speed=0.01, max_steps=25)
    yield from ctx.hold(OPEN, 8)

    # -- push the end in with the closed fingers
    tcp, _ = ctx.tcp()
    if push:
        back = tcp - inward * 0.03
        yield from ctx.move(back, quat, OPEN, tol=0.004, speed=0.02)
        yield from ctx.hold(CLOSE, 6)
        low = back.copy()
        low[2] = floor[2] + TCP_ABOVE_FINGERTIPS + 0.003
        yield from ctx.move(low, quat, CLOSE, tol=0.003, speed=0.02)
        target = inside.copy()
        target[2] = low[2]
        yield from ctx.move(target, quat, CLOSE, tol=0.003, speed=0.01, max_steps=60)
        tcp, _ = ctx.tcp()
    yield from ctx.move(tcp - inward * 0.05, quat, ctx.gripper, tol=0.01, speed=0.03)
    tcp, _ = ctx.tcp()
    yield from ctx.move(tcp + [0, 0, 0.08], quat, ctx.gripper, tol=0.01, speed=0.03)


SKILLS: dict[str, Callable] = {"put_in_safe": put_in_safe}
