"""Expert skills only the MoveHanger task needs: sliding a hanger off one pole of a rack and onto the other."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.geometry import quat_to_mat
from arena.policies.motion import CLOSE, OPEN, SkillContext, SkillGen, down_quat, yaw_of


def _steer(
    ctx: SkillContext, obj: str, site: str, goal: np.ndarray, quat: np.ndarray, speed: float, tol: float, steps: int
) -> SkillGen:
    """Move the grasped object's ``site`` to ``goal`` (world), re-aiming every step at what the site measures."""
    state = ctx.state
    for _ in range(steps):
        error = goal - state.site_pos(obj, site)
        if np.linalg.norm(error) < tol:
            return
        tcp, _ = ctx.tcp()
        yield ctx.delta_toward(tcp + error, quat, speed, CLOSE)


def move_hanger(
    ctx: SkillContext,
    object: str,  # noqa: A002 - YAML field name
    rack: str,
    source: str,
    target: str,
    lift: float = 0.0,
    clear: float = 0.03,
) -> SkillGen:
    """Move the hanger ``object`` from pole ``source`` of ``rack`` to pole ``target``.

    The hook is pinched from above across its width (the fingers either side of the pole), raised until the pole
    runs through the middle of the hook (plus ``lift`` metres), slid along the pole past its free end (``clear``
    metres beyond the rounded tip), carried across to the other pole's axis, slid on to the hanging point with the
    hook centred on the axis, lowered until it rests on the pole and let go. Every move steers the hook's centre
    from its measured position, so a hanger that swung in the grasp still threads onto the pole.
    """
    state = ctx.state
    _, rack_quat = state.object_pose(rack)
    rotation = quat_to_mat(rack_quat)
    out = -rotation[:, 0]  # along the poles toward their free ends
    quat = down_quat(yaw_of(rack_quat))

    hook = state.site_pos(object, "hook_center")
    yield from ctx.move(hook + [0, 0, 0.10], quat, OPEN, tol=0.01)
    yield from ctx.move(hook + [0, 0, 0.02], quat, OPEN, speed=0.02, tol=0.004)
    hook = state.site_pos(object, "hook_center")
    yield from ctx.move(hook, quat, OPEN, tol=0.002, speed=0.01, max_steps=40)
    yield from ctx.hold(CLOSE, 10)

    # centre the hook on the source pole's axis, then slide off past the tip
    axis = state.site_pos(rack, f"pole_{source}") + [0.0, 0.0, lift]
    yield from _steer(ctx, object, "hook_center", axis, quat, 0.005, 0.0015, 30)
    tip = state.site_pos(rack, f"tip_{source}")
    radius = float(np.linalg.norm(state.site_pos(object, "hook") - state.site_pos(object, "hook_center")))
    off = tip + out * (radius + clear) + [0.0, 0.0, lift]
    line = state.site_pos(rack, f"pole_{source}") + [0.0, 0.0, lift]
    for point in np.linspace(line, off, 8)[1:]:
        yield from _steer(ctx, object, "hook_center", point, quat, 0.015, 0.003, 20)

    # across to the target pole's axis, beyond its tip, a little high; then down onto the axis line
    tip = state.site_pos(rack, f"tip_{target}")
    start = tip + out * (radius + clear) + [0.0, 0.0, lift]
    yield from _steer(ctx, object, "hook_center", start + [0.0, 0.0, 0.02], quat, 0.02, 0.004, 80)
    yield from _steer(ctx, object, "hook_center", start, quat, 0.008, 0.0015, 40)

    # slide on, the hook centred on the axis
    hang = state.site_pos(rack, f"pole_{target}") + [0.0, 0.0, lift]
    for point in np.linspace(start, hang, 10)[1:]:
        yield from _steer(ctx, object, "hook_center", point, quat, 0.012, 0.0015, 20)

    # let it hang: lower until the hook rests on the pole, let go, move up and away
    rest = state.site_pos(rack, f"hang_{target}") - (
        state.site_pos(object, "hook") - state.site_pos(object, "hook_center")
    )
    yield from _steer(ctx, object, "hook_center", rest - [0.0, 0.0, 0.001], quat, 0.005, 0.001, 20)
    yield from ctx.hold(OPEN, 8)
    tcp, _ = ctx.tcp()
    yield from ctx.move(tcp + [0, 0, 0.08], quat, OPEN, tol=0.01, speed=0.03)


SKILLS: dict[str, Callable] = {"move_hanger": move_hanger}
