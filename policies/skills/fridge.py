"""Expert skills only the GetIceFromFridge task needs: holding a mug under a dispenser and pressing its lever."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.geometry import mat_to_quat, quat_from_yaw, quat_mul, quat_to_mat
from arena.policies.motion import CLOSE, OPEN, SkillContext, SkillGen, horizontal_unit


def _pitched_quat(inward: np.ndarray, pitch: float) -> np.ndarray:
    """Hand pointing along the horizontal ``inward``, tilted ``pitch`` radians down; fingers close horizontally."""
    z_axis = inward * np.cos(pitch) - np.array([0.0, 0.0, 1.0]) * np.sin(pitch)
    y_axis = np.array([-inward[1], inward[0], 0.0])
    x_axis = np.cross(y_axis, z_axis)
    return mat_to_quat(np.column_stack([x_axis, y_axis, z_axis]))


def fill_at_dispenser(
    ctx: SkillContext,
    cup: str,
    fridge: str,
    pitch: float = 0.5,
    press: float = 0.06,
    hover: float = 0.006,
) -> SkillGen:
    """Take the mug ``cup`` by its handle, carry it into the dispenser niche of ``fridge`` and press the lever.

    The hand comes at the handle's bar from behind it (along the mug's x axis, from handle to mug), pointing down by
    ``pitch`` radians, and pinches the bar across its width, so the hand stays behind the mug, outside the niche.
    The mug is lifted, turned so its handle faces out of the niche, brought in front of the opening ``hover`` metres
    above the drip tray, and steered straight in under the spout, its centre kept on the spout's line, until the
    lever has turned ``press`` radians (or the mug's centre is past the spout); then the hand holds it there.
    """
    state = ctx.state
    # -- grasp the handle from behind
    _, cup_quat = state.object_pose(cup)
    inward = horizontal_unit(quat_to_mat(cup_quat)[:, 0])
    quat = _pitched_quat(inward, pitch)
    approach = quat_to_mat(quat)[:, 2]
    handle = state.site_pos(cup, "handle")
    yield from ctx.move(handle - approach * 0.12 + [0, 0, 0.02], quat, OPEN, tol=0.01)
    yield from ctx.move(handle - approach * 0.04, quat, OPEN, speed=0.025, tol=0.005)
    handle = state.site_pos(cup, "handle")
    yield from ctx.move(handle, quat, OPEN, tol=0.003, speed=0.012, max_steps=40)
    yield from ctx.hold(CLOSE, 8)

    # -- lift clear of the drip tray
    tray = state.site_pos(fridge, "tray")
    base = state.site_pos(cup, "base")
    tcp, _ = ctx.tcp()
    rise = max(0.0, tray[2] + hover + 0.03 - base[2])
    yield from ctx.move(tcp + [0, 0, rise], quat, CLOSE, speed=0.03, tol=0.005)

    # -- turn the mug's handle out of the niche and bring the mug in front of the opening
    _, fridge_quat = state.object_pose(fridge)
    into = horizontal_unit(quat_to_mat(fridge_quat)[:, 0])
    _, cup_quat = state.object_pose(cup)
    mug_x = horizontal_unit(quat_to_mat(cup_quat)[:, 0])
    turn = float(np.arctan2(mug_x[0] * into[1] - mug_x[1] * into[0], mug_x @ into))
    _, tcp_quat = ctx.tcp()
    quat = quat_mul(quat_from_yaw(turn), tcp_quat)
    offset = ctx.offset_after_turn(cup, "base", turn)  # TCP relative to the mug's base after the turn
    radius = float(np.linalg.norm((state.site_pos(cup, "handle") - state.site_pos(cup, "base"))[:2]))
    spout = state.site_pos(fridge, "spout")
    mouth = state.site_pos(fridge, "mouth")
    line = spout.copy()
    line[2] = tray[2] + hover
    stage = line - into * (float((line - mouth) @ into) + radius + 0.02)
    yield from ctx.move(stage + offset + [0, 0, 0.02], quat, CLOSE, speed=0.035, tol=0.008, max_steps=100)
    yield from ctx.move(stage + offset, quat, CLOSE, speed=0.02, tol=0.004)

    # -- in under the spout until the lever gives
    start = state.joint_value(fridge, "lever")
    side = np.array([-into[1], into[0], 0.0])
    for _ in range(150):
        base = state.site_pos(cup, "base")
        if state.joint_value(fridge, "lever") - start > press or float((base - line) @ into) > 0.012:
            break
        error = line - base
        ahead = float(error @ into)
        goal_step = into * float(np.clip(ahead + 0.012, 0.0, 0.008)) + side * float(error @ side)
        goal_step[2] = error[2]
        tcp, _ = ctx.tcp()
        yield ctx.delta_toward(tcp + goal_step, quat, 0.008, CLOSE)
    yield from ctx.hold(CLOSE, 30)


SKILLS: dict[str, Callable] = {"fill_at_dispenser": fill_at_dispenser}
