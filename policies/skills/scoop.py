"""Expert skills only the ScoopWithSpatula task needs: scooping a cube onto a spatula's blade."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.geometry import axis_angle_to_quat, quat_mul
from arena.policies.motion import (
    CLOSE,
    OPEN,
    SkillContext,
    SkillGen,
    down_quat,
    horizontal_unit,
    nearest_symmetric_yaw,
    yaw_of,
)


def scoop(
    ctx: SkillContext,
    tool: str,
    object: str,  # noqa: A002 - YAML field name
    gap: float = 0.02,
    tilt: float = 0.25,
    lift: float = 0.06,
    press: float = 0.001,
) -> SkillGen:
    """Grasp the spatula ``tool`` by its handle, slide its blade under the cube ``object`` and lift it.

    The handle is pinched from above across its width at its ``grip`` site and raised a little; the spatula is
    turned so its blade points at the cube, square to the cube face that looks most toward the robot, set down with
    its knife edge ``gap`` metres before that face and its centre line through the cube's centre, and pushed along
    the table (the hand ``press`` metres below where it picked, so the edge stays on the table) until the cube, riding
    up the bevel, is wholly over the blade and off the table (from there the slick blade carries it along) or reaches
    the handle; the push steers sideways to keep the cube centred. Then the blade tips up by ``tilt`` radians while
    the hand rises, so the cube slides back against the handle's front face, and the spatula rises ``lift`` metres.
    """
    state = ctx.state
    # -- grasp the handle
    _, tool_quat = state.object_pose(tool)
    hand_yaw = nearest_symmetric_yaw(yaw_of(tool_quat), 0.0, np.pi)
    quat = down_quat(hand_yaw)
    grip = state.site_pos(tool, "grip")
    grip[2] = max(grip[2], 0.0105)  # fingertips 2 mm above the table: the pads cover the whole handle
    yield from ctx.move(grip + [0, 0, 0.10], quat, OPEN, tol=0.01)
    yield from ctx.move(grip + [0, 0, 0.03], quat, OPEN, speed=0.025)
    point = state.site_pos(tool, "grip")
    grip[:2] = point[:2]
    yield from ctx.move(grip, quat, OPEN, tol=0.003, speed=0.015, max_steps=40)
    yield from ctx.hold(CLOSE, 8)
    table_z = grip[2] - press
    yield from ctx.move(grip + [0, 0, 0.02], quat, CLOSE, speed=0.02, tol=0.004)

    # -- heading: square to the cube face that faces the spatula best
    cube, cube_quat = state.object_pose(object)
    cube = state.site_pos(object, "center")
    tip = state.site_pos(tool, "tip")
    heading = nearest_symmetric_yaw(yaw_of(cube_quat), 0.0, np.pi / 2)  # blade pointing away from the robot
    _, tool_quat = state.object_pose(tool)
    turn = float(np.angle(np.exp(1j * (heading - yaw_of(tool_quat)))))
    _, tcp_quat = ctx.tcp()
    quat = down_quat(yaw_of(tcp_quat) + turn)
    along = np.array([np.cos(heading), np.sin(heading), 0.0])
    half = float(state.site_pos(object, "top")[2] - state.site_pos(object, "center")[2])
    offset = ctx.offset_after_turn(tool, "tip", turn)  # TCP relative to the knife edge after the turn
    start = cube - along * (half + gap)
    start[2] = tip[2]
    high = start + offset
    high[2] = table_z + 0.02
    yield from ctx.move(high, quat, CLOSE, speed=0.03, tol=0.004, max_steps=100)
    low = high.copy()
    low[2] = table_z
    yield from ctx.move(low, quat, CLOSE, speed=0.015, tol=0.003, max_steps=40)

    # -- push: until the cube is up on the blade and off the table (from there the slick blade carries it along;
    # a little further, so it is well up the bevel) or it reaches the handle
    side = np.array([-along[1], along[0], 0.0])
    rest_z = state.site_pos(object, "center")[2]
    extra = None
    for _ in range(200):
        stop = state.site_pos(tool, "stop")
        tip = state.site_pos(tool, "tip")
        cube = state.site_pos(object, "center")
        remaining = float((cube - stop) @ along) - half - 0.004
        on_blade = cube[2] > rest_z + 0.6 * (state.site_pos(tool, "blade")[2] - tip[2])
        aboard = float((tip - cube) @ along) > half - 0.003  # its far face no further out than the knife edge
        if extra is None and on_blade and aboard and not state.touching_table(object):
            extra = float(tip @ along) + 0.005
        if remaining < 0.0 or (extra is not None and float(tip @ along) > extra):
            break
        tcp, _ = ctx.tcp()
        lateral = float((cube - stop) @ side)
        goal = tcp + along * min(remaining + 0.002, 0.01) + side * float(np.clip(lateral, -0.004, 0.004))
        goal[2] = table_z
        yield ctx.delta_toward(goal, quat, 0.012, CLOSE)

    # -- lift, tipping the blade up (rotation about the spatula's y axis, which the fingers close along)
    tcp, _ = ctx.tcp()
    _, tool_quat = state.object_pose(tool)
    tool_y = horizontal_unit(np.cross([0.0, 0.0, 1.0], along))
    # tip the blade up at once (while the hand rises enough for the handle's end to clear the table), so the cube,
    # wherever it boarded, slides back down the slick blade against the handle; then lift the rest of the way
    tipped = quat_mul(axis_angle_to_quat(-tilt * tool_y), quat)
    yield from ctx.move(tcp + [0.0, 0.0, 0.025], tipped, CLOSE, speed=0.008, tol=0.003, max_steps=25)
    yield from ctx.move(tcp + [0.0, 0.0, lift], tipped, CLOSE, speed=0.01, tol=0.003, max_steps=40)
    yield from ctx.hold(CLOSE, 10)


SKILLS: dict[str, Callable] = {"scoop": scoop}
