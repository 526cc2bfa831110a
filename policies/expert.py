"""The scripted expert: follows a task's ``expert`` plan using privileged simulator state.

A plan is a list of skills (the plan language of :mod:`arena.spec.skills`), each implemented here or in a task
module of :mod:`arena.policies.skills` as a generator of ``ee_delta`` actions that re-reads object poses as it
goes, so object size, pose and mass perturbations are followed rather than replayed blindly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import numpy as np

from arena.errors import PolicyError
from arena.geometry import mat_to_quat, quat_to_mat
from arena.policies.motion import (
    CLOSE,
    OPEN,
    Action,
    SkillContext,
    SkillGen,
    down_quat,
    gripper_command,
    nearest_symmetric_yaw,
    yaw_of,
)
from arena.policies.skills import TASK_SKILLS


# ------------------------------------------------------------------------------------------------ skills
def grasp_yaw(ctx: SkillContext, object: str, yaw: float = 0.0, symmetry: float = np.pi / 2) -> float:  # noqa: A002
    """World yaw of a downward grasp at ``yaw`` radians in the object's frame (0: fingers close along the object's
    y axis), taken modulo the object's ``symmetry`` closest to the gripper's current heading."""
    _, obj_quat = ctx.state.object_pose(object)
    _, tcp_quat = ctx.tcp()
    return nearest_symmetric_yaw(yaw_of(obj_quat) + yaw, 0.0, symmetry)


def pick(
    ctx: SkillContext,
    object: str,  # noqa: A002 - YAML field name
    lift: float = 0.12,
    site: str = "center",
    yaw: float = 0.0,
    symmetry: float = np.pi / 2,
    height: float = 0.0,
    opening: float | None = None,
) -> SkillGen:
    """Grasp ``object`` from above at ``site`` and lift it ``lift`` metres.

    ``yaw`` is the grasp's heading in the object's frame (0: the fingers close along the object's y axis, across
    a block's narrower faces when it is longer in x), ``symmetry`` the object's rotational symmetry about z,
    ``height`` where the fingertips' centre goes relative to the site (negative: below it) and ``opening`` how far
    the fingers open on the way down (metres; default fully): grasping one bar of a ring, an 80 mm opening would put
    the far finger on the opposite bar, a 40 mm one drops it into the hole.
    """
    state = ctx.state
    quat = down_quat(grasp_yaw(ctx, object, yaw, symmetry))
    ajar = OPEN if opening is None else gripper_command(opening)
    grasp = state.site_pos(object, site) + [0.0, 0.0, height]
    grasp[2] = max(grasp[2], 0.015)
    yield from ctx.move(grasp + [0, 0, 0.10], quat, ajar)
    yield from ctx.move(grasp + [0, 0, 0.03], quat, ajar, speed=0.025)
    point = state.site_pos(object, site)  # re-read: the approach may have nudged it
    grasp[:2] = point[:2]
    yield from ctx.move(grasp, quat, ajar, tol=0.004 if opening is None else 0.003, speed=0.015, max_steps=40)
    yield from ctx.hold(CLOSE, 8)
    yield from ctx.move(grasp + [0, 0, lift], quat, CLOSE, speed=0.03)


def place_at(
    ctx: SkillContext,
    object: str,  # noqa: A002
    target: str,
    target_site: str,
    site: str = "center",
    height: float = 0.0,
    yaw: float = 0.0,
    symmetry: float = np.pi / 2,
    approach: float = 0.08,
    tolerance: float = 0.003,
    press: float = 0.0,
) -> SkillGen:
    """Carry the grasped ``object`` so that its ``site`` comes down onto ``target/target_site`` (plus ``height``
    metres), its heading at ``yaw`` from the target's modulo ``symmetry``; release and retreat upward.

    The descent is closed-loop: every step re-measures where the object's site hangs below the hand, so an
    object that slipped or swung in the grasp still lands on the target within ``tolerance`` metres. ``press``
    lowers the hand that much further before the fingers open, so an object set down on a surface carries its
    own weight and is not dragged along by the finger that lets go last (a tall, heavy chess piece).
    """
    state = ctx.state
    tcp, tcp_quat = ctx.tcp()
    _, obj_quat = state.object_pose(object)
    _, target_quat = state.object_pose(target)
    obj_yaw = yaw_of(obj_quat)
    turn = nearest_symmetric_yaw(yaw_of(target_quat) + yaw, obj_yaw, symmetry) - obj_yaw
    quat = down_quat(yaw_of(tcp_quat) + turn)
    offset = ctx.offset_after_turn(object, site, turn)
    goal = state.site_pos(target, target_site) + [0.0, 0.0, height]
    carry = max(tcp[2], goal[2] + offset[2] + approach)
    yield from ctx.move([*(goal[:2] + offset[:2]), carry], quat, CLOSE, speed=0.035, tol=0.01)
    yield from ctx.move(goal + offset + [0, 0, approach], quat, CLOSE, speed=0.03)
    for _ in range(120):  # descend, re-aiming the object's site at the goal every step
        tcp, _ = ctx.tcp()
        point = state.site_pos(object, site)
        goal = state.site_pos(target, target_site) + [0.0, 0.0, height]
        error = goal - point
        if abs(error[2]) < tolerance and np.linalg.norm(error[:2]) < tolerance:
            break
        if np.linalg.norm(error[:2]) > 2 * tolerance:
            error[2] = max(error[2], -0.004)  # line up before going lower
        yield ctx.delta_toward(tcp + error, quat, 0.012, CLOSE)
    if press > 0:
        tcp, _ = ctx.tcp()
        yield from ctx.move(tcp - [0.0, 0.0, press], quat, CLOSE, tol=0.001, speed=0.004, max_steps=8)
    yield from ctx.release(quat)


def place_on(ctx: SkillContext, object: str, support: str, clearance: float = 0.008) -> SkillGen:  # noqa: A002
    """Carry the grasped ``object`` over ``support``, lower it onto the support's top, release and retreat."""
    state = ctx.state
    tcp, tcp_quat = ctx.tcp()
    obj_center = state.site_pos(object, "center")
    obj_pos, obj_quat = state.object_pose(object)
    grasp_offset = tcp[2] - obj_center[2]
    half_height = obj_center[2] - obj_pos[2]
    relative_yaw = yaw_of(obj_quat) - yaw_of(tcp_quat)
    _, support_quat = state.object_pose(support)
    target_obj_yaw = nearest_symmetric_yaw(yaw_of(support_quat), yaw_of(obj_quat))
    quat = down_quat(nearest_symmetric_yaw(target_obj_yaw - relative_yaw, yaw_of(tcp_quat), 2 * np.pi))
    top = state.site_pos(support, "top")
    release = np.array([top[0], top[1], top[2] + half_height + grasp_offset + clearance])
    yield from ctx.move(release + [0, 0, 0.08], quat, CLOSE, speed=0.035)
    top = state.site_pos(support, "top")
    release[:2] = top[:2]
    yield from ctx.move(release + [0, 0, 0.025], quat, CLOSE, speed=0.02)
    yield from ctx.move(release, quat, CLOSE, tol=0.004, speed=0.01, max_steps=30)
    yield from ctx.hold(OPEN, 6)
    yield from ctx.move(release + [0, 0, 0.10], quat, OPEN, speed=0.03)


def push_to(ctx: SkillContext, object: str, target: str, tolerance: float = 0.012) -> SkillGen:  # noqa: A002
    """Push ``object`` along the table until its centre is within ``tolerance`` of ``target``'s centre.

    The pushing direction is re-aimed at the target every step; the gripper re-approaches from behind when
    the object has turned away from it.
    """
    state = ctx.state
    finger_half = 0.012
    for _ in range(6):
        center = state.site_pos(object, "center")
        goal = state.site_pos(target, "center")
        offset = goal[:2] - center[:2]
        if np.linalg.norm(offset) < tolerance:
            break
        direction = offset / np.linalg.norm(offset)
        _, obj_quat = state.object_pose(object)
        reach = _half_extent_along(state, object, obj_quat, direction) + finger_half
        height = float(np.clip(center[2] - 0.005, 0.012, 0.05))
        _, tcp_quat = ctx.tcp()
        yaw = nearest_symmetric_yaw(float(np.arctan2(direction[1], direction[0])), yaw_of(tcp_quat), np.pi)
        quat = down_quat(yaw)
        start = np.array([*(center[:2] - direction * (reach + 0.03)), height])
        tcp, _ = ctx.tcp()
        yield from ctx.move([tcp[0], tcp[1], 0.09], quat, CLOSE, tol=0.02)
        yield from ctx.move([start[0], start[1], 0.09], quat, CLOSE, tol=0.01)
        yield from ctx.move(start, quat, CLOSE, tol=0.005, speed=0.03)
        for _ in range(150):
            center = state.site_pos(object, "center")
            offset = goal[:2] - center[:2]
            distance = float(np.linalg.norm(offset))
            if distance < tolerance * 0.6:
                break
            direction = offset / distance
            tcp, tcp_quat = ctx.tcp()
            relative = tcp[:2] - center[:2]
            lateral = direction[0] * relative[1] - direction[1] * relative[0]
            if relative @ direction > -0.6 * reach or abs(lateral) > 0.03:
                break  # no longer behind the object: re-approach
            _, obj_quat = state.object_pose(object)
            reach = _half_extent_along(state, object, obj_quat, direction) + finger_half
            yaw = nearest_symmetric_yaw(float(np.arctan2(direction[1], direction[0])), yaw_of(tcp_quat), np.pi)
            aim = np.array([*(center[:2] - direction * reach + direction * min(0.02, distance)), height])
            yield ctx.delta_toward(aim, down_quat(yaw), 0.03, CLOSE)
        yield from ctx.hold(CLOSE, 3)
    tcp, quat = ctx.tcp()
    yield from ctx.move(tcp + [0, 0, 0.08], quat, CLOSE)


def _half_extent_along(state: Any, obj: str, obj_quat: np.ndarray, direction: np.ndarray) -> float:
    """Half the object's width along a horizontal direction (from its collision boxes)."""
    model = state.model
    rotation = quat_to_mat(obj_quat)
    extent = 0.0
    for geom in state.object_geoms(obj):
        half = model.geom_size[geom]
        axes = rotation[:2, :2]
        extent = max(extent, float(np.abs(axes.T @ direction) @ half[:2]))
    return extent


def pull_handle(ctx: SkillContext, object: str, site: str, distance: float, pitch: float = 0.7) -> SkillGen:  # noqa: A002
    """Grasp a vertical bar handle from the front, pull it straight out by ``distance`` metres, release."""
    state = ctx.state
    handle = state.site_pos(object, site)
    _, obj_quat = state.object_pose(object)
    rotation = quat_to_mat(obj_quat)
    inward = rotation[:, 0]  # into the object (its front faces -x)
    z_axis = inward * np.cos(pitch) - np.array([0.0, 0.0, 1.0]) * np.sin(pitch)
    y_axis = -rotation[:, 1]
    x_axis = np.cross(y_axis, z_axis)
    quat = mat_to_quat(np.column_stack([x_axis, y_axis, z_axis]))
    yield from ctx.move(handle - z_axis * 0.12, quat, OPEN, tol=0.01)
    yield from ctx.move(handle - z_axis * 0.04, quat, OPEN, speed=0.02)
    yield from ctx.move(handle, quat, OPEN, tol=0.004, speed=0.012, max_steps=40)
    yield from ctx.hold(CLOSE, 8)
    yield from ctx.move(handle - inward * distance, quat, CLOSE, tol=0.005, speed=0.02, max_steps=80)
    tcp, _ = ctx.tcp()
    yield from ctx.hold(OPEN, 6)
    yield from ctx.move(tcp - z_axis * 0.08, quat, OPEN)


def close_lid(ctx: SkillContext, object: str, end_angle: float = 0.9) -> SkillGen:  # noqa: A002
    """Swing an open hinged lid shut: sweep around the hinge on the lid's outer side, then press it down."""
    state = ctx.state
    hinge = state.site_pos(object, "hinge")
    _, obj_quat = state.object_pose(object)
    rotation = quat_to_mat(obj_quat)
    lid_edge = state.site_pos(object, "lid_edge")
    lid_length = float(np.linalg.norm(lid_edge - hinge))
    radius, standoff = 0.75 * lid_length, 0.028
    quat = down_quat(yaw_of(obj_quat))

    def arc_point(angle: float) -> np.ndarray:
        along = np.array([-np.cos(angle), 0.0, np.sin(angle)])
        normal = np.array([np.sin(angle), 0.0, np.cos(angle)])
        return hinge + rotation @ (radius * along + standoff * normal)

    start_angle = state.joint_value(object, "lid") + 0.05
    first = arc_point(start_angle)
    yield from ctx.move(first + rotation @ np.array([0.05, 0.0, 0.10]), quat, CLOSE, tol=0.01)
    yield from ctx.move(first + rotation @ np.array([0.03, 0.0, 0.0]), quat, CLOSE, tol=0.006)
    for angle in np.linspace(start_angle, end_angle, 14):
        yield from ctx.move(arc_point(angle), quat, CLOSE, tol=0.008, speed=0.02, max_steps=15)
    tcp, _ = ctx.tcp()
    yield from ctx.move(tcp + [0, 0, 0.06], quat, CLOSE, tol=0.01)
    press = hinge + rotation @ np.array([-0.6 * lid_length, 0.0, 0.0])
    yield from ctx.move(press + [0, 0, 0.06], quat, CLOSE, tol=0.008)
    yield from ctx.move(press + [0, 0, 0.02], quat, CLOSE, tol=0.004, speed=0.015, max_steps=30)
    yield from ctx.move(press + [0, 0, 0.10], quat, CLOSE)


#: One generator per skill of the plan language (:data:`arena.spec.skills.SKILL_SIGNATURES`).
SKILLS: dict[str, Callable[..., SkillGen]] = {
    "pick": pick,
    "place_on": place_on,
    "place_at": place_at,
    "push_to": push_to,
    "pull_handle": pull_handle,
    "close_lid": close_lid,
    **TASK_SKILLS,
}


class ScriptedExpert:
    """Privileged scripted policy for Arena tasks (``ee_delta`` control).

    Args:
        env: The Arena environment it acts in (wrapped or not); the expert reads its simulator state.
    """

    policy_id = "scripted_expert"
    obs_mode: ClassVar[str] = "state"  # privileged: reads the simulator, needs no images

    def __init__(self, env: Any) -> None:
        self.env = env.unwrapped
        if self.env.controller.mode != "ee_delta":
            raise PolicyError(f"ScriptedExpert needs control_mode='ee_delta', got {self.env.controller.mode!r}")
        self._actions: Iterator[Action] = iter(())
        self._ctx: SkillContext | None = None

    def reset(self, instruction: str = "", seed: int | None = None) -> None:
        self._ctx = SkillContext(self.env)
        self._actions = self._run(self._ctx, list(self.env.expert_plan))

    @staticmethod
    def _run(ctx: SkillContext, plan: list[Mapping[str, Any]]) -> Iterator[Action]:
        for step in plan:
            ((name, args),) = step.items()
            yield from SKILLS[name](ctx, **(args or {}))
        while True:
            yield ctx.hold(ctx.gripper, 1).__next__()

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        if self._ctx is None:
            self.reset()
        return next(self._actions).astype(np.float32)

    def metadata(self) -> dict[str, Any]:
        return {"kind": "scripted", "privileged": True}
