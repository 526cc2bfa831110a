"""Expert skills of the wipe tasks: WipeDesk's sponge strokes over a dirt patch."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from arena.policies.motion import CLOSE, SkillContext, SkillGen, down_quat, nearest_symmetric_yaw, yaw_of


def wipe_area(
    ctx: SkillContext, tool: str, dirt: str, press: float = 0.0005, stroke_overlap: float = 0.25, mop_ups: int = 4
) -> SkillGen:
    """Pick the sponge ``tool``, slide it onto the dirt patch ``dirt`` and wipe the patch in overlapping strokes.

    The sponge is grasped low across its width and turned so its long side (along the finger pads) lies along the
    strokes; it is never lifted (a 5 kg sponge's weight stays on the desk). Strokes run along the patch's x axis,
    back and forth, each row shifted along its y axis by the swath less ``stroke_overlap`` of it, from one side of
    the outline to the other and past each end. The hand keeps the sponge's face ``press`` metres into the desk
    (closed-loop on the sponge, so one that slid in the grip still wipes) and keeps holding it at the end (the task
    counts only while the sponge is held). Specks the strokes missed are then wiped one by one, nearest first, up
    to ``mop_ups`` of them.
    """
    from arena.policies.expert import pick  # the expert imports this module

    state = ctx.state
    yield from pick(ctx, tool, site="grip", yaw=0.0, symmetry=math.pi, lift=0.0)
    sponge = state.task.object(tool).shape.scaled(state.scales.get(tool, 1.0))
    patch = state.task.object(dirt).shape.scaled(state.scales.get(dirt, 1.0))
    _, patch_quat = state.object_pose(dirt)
    patch_yaw = yaw_of(patch_quat)
    along = np.array([math.cos(patch_yaw), math.sin(patch_yaw), 0.0])  # stroke direction (patch x)
    across = np.array([-along[1], along[0], 0.0])  # row direction (patch y)
    # turn the hand so the sponge's long (x) axis, the one the finger pads run along, lies along the strokes: pushed
    # across the fingers, a heavy sponge would pry them open
    tcp, tcp_quat = ctx.tcp()
    _, sponge_quat = state.object_pose(tool)
    sponge_yaw = yaw_of(sponge_quat)
    turn = nearest_symmetric_yaw(patch_yaw, sponge_yaw, math.pi) - sponge_yaw
    quat = down_quat(yaw_of(tcp_quat) + turn)
    swath = sponge.size_y
    step = swath * (1.0 - stroke_overlap)
    reach_x = patch.size_x / 2 + sponge.size_x / 2 + 0.01  # stroke ends: the sponge's edge past the outline
    rows = max(1, math.ceil((patch.size_y - swath) / step) + 1)
    first = -(patch.size_y - swath) / 2 if rows > 1 else 0.0
    spacing = (patch.size_y - swath) / (rows - 1) if rows > 1 else 0.0
    center = state.site_pos(dirt, "center")
    center[2] = 0.0
    offset = ctx.offset_after_turn(tool, "bottom", turn)  # TCP minus the sponge's bottom centre, once turned

    def point(x: float, y: float) -> np.ndarray:
        """Where the TCP goes for the sponge's bottom centre at patch coordinates (x, y) on the desk."""
        return center + x * along + y * across + offset

    # turn the sponge where it lies, then slide it over the desk to the first stroke's start: a heavy sponge is never
    # lifted (its weight stays on the desk, the fingers only drag it on its slippery wet face)
    tcp, _ = ctx.tcp()
    yield from ctx.move(tcp, quat, CLOSE, tol=0.004, speed=0.01, max_steps=30)
    yield from _slide(ctx, tool, center + -reach_x * along + first * across, quat, press, speed=0.02, steps=120)
    direction = 1.0
    for row in range(rows):
        y = first + row * spacing
        for x in (-direction * reach_x, direction * reach_x):
            goal = center + x * along + y * across
            yield from _slide(ctx, tool, goal, quat, press)
        direction = -direction
    for _ in range(mop_ups):  # a speck the strokes missed (the sponge slid in the grip): wipe over it directly
        left = state.dirt_positions(dirt)
        if not len(left):
            break
        bottom = state.site_pos(tool, "bottom")
        nearest = left[np.argmin(np.linalg.norm(left[:, :2] - bottom[:2], axis=1))]
        yield from _slide(ctx, tool, np.array([nearest[0], nearest[1], 0.0]), quat, press)
    tcp, _ = ctx.tcp()
    yield from ctx.move(tcp + [0, 0, 0.06], quat, CLOSE, tol=0.01, speed=0.02)


#: Lowest the TCP goes while wiping (metres): the finger pads reach 8.5 mm below it and must not touch the desk.
_LOWEST_TCP = 0.012


def _slide(
    ctx: SkillContext,
    tool: str,
    goal: np.ndarray,
    quat: np.ndarray,
    press: float,
    speed: float = 0.015,
    steps: int = 80,
) -> SkillGen:
    """Slide the held sponge's bottom centre to ``goal`` on the desk, keeping it ``press`` metres into the desk (the
    height is closed-loop on the sponge, so a sponge that slid up or down in the grip still wipes)."""
    state = ctx.state
    for _ in range(steps):
        tcp, _ = ctx.tcp()
        bottom = state.site_pos(tool, "bottom")
        error = goal[:2] - bottom[:2]
        if np.linalg.norm(error) < 0.008:
            return
        z = max(tcp[2] - press - bottom[2], _LOWEST_TCP)
        yield ctx.delta_toward([tcp[0] + error[0], tcp[1] + error[1], z], quat, speed, CLOSE)


SKILLS: dict[str, Callable[..., SkillGen]] = {"wipe_area": wipe_area}
