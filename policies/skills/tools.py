"""Expert skills of the tool tasks (ReachAndDrag, Hockey): shoving an object with a held stick's working face."""

from __future__ import annotations

from collections.abc import Callable

import mujoco
import numpy as np

from arena.policies.motion import CLOSE, OPEN, SkillContext, SkillGen, down_quat, horizontal_unit, wrap_angle, yaw_of


def _heading(vector: np.ndarray) -> float:
    return float(np.arctan2(vector[1], vector[0]))


def _half_extent(ctx: SkillContext, obj: str, direction: np.ndarray) -> float:
    """Half the object's width along a horizontal unit ``direction``, from its collision geoms' world poses."""
    state = ctx.state
    model, data = state.model, state.data
    center = state.site_pos(obj, "center")
    extent = 0.0
    for geom in state.object_geoms(obj):
        size = model.geom_size[geom]
        offset = float((data.geom_xpos[geom] - center) @ direction)
        if model.geom_type[geom] == mujoco.mjtGeom.mjGEOM_BOX:
            axes = data.geom_xmat[geom].reshape(3, 3)
            half = float(np.abs(axes.T @ direction) @ size)
        else:  # sphere, or an upright cylinder: its radius
            half = float(size[0])
        extent = max(extent, offset + half)
    return extent


def _rotate(vector: np.ndarray, turn: float) -> np.ndarray:
    cos, sin = np.cos(turn), np.sin(turn)
    return np.array([cos * vector[0] - sin * vector[1], sin * vector[0] + cos * vector[1], vector[2]])


def tool_push(
    ctx: SkillContext,
    tool: str,
    object: str,  # noqa: A002 - YAML field name
    target: str,
    target_site: str = "center",
    until_site: str | None = None,
    grip: str = "grip",
    face: str = "face",
    normal: str = "face_normal",
    along: str | None = None,
    gap: float = 0.012,
    hover: float = 0.025,
    lift: float = 0.004,
    speed: float = 0.008,
    tolerance: float = 0.01,
) -> SkillGen:
    """Pick up the stick ``tool`` and shove ``object`` with its working face onto ``target/target_site``.

    The stick is pinched from above at its ``grip`` site across its width; its pose in the hand is then fixed, so
    the skill reads the face's sites (``face``, and ``normal`` 1 cm in front of it) every step. The hand lifts the
    stick, turns it so the face's normal points from the object toward the target, carries the face ``hover``
    metres above the object's top to a point ``gap`` metres behind the object and lowers the stick until it clears
    the table by ``lift`` metres. For a hook (``along``: the site 1 cm from ``face`` in the direction the hook
    points), the object then sits ``gap`` metres out along the face from ``face``, clear of the handle. The hand
    speeds up gently to ``speed`` metres per step, so the face meets the object without a blow, and then:

    - without ``until_site`` (a drag): moves as the object's centre still has to go to the target, heading fixed
      (turning the stick would swing the face across the object and drag it sideways, and load the grip with a
      twist), until the centre is within ``tolerance`` of the target;
    - with ``until_site`` (a shot): re-aims the face's normal and position every step at the line from the object
      (a ball, which rolls wherever the face's normal sends it) to the target, keeping the face pressed on it, and
      stops as soon as the object's centre has passed ``until_site`` along the shot; the ball runs on (into a goal).

    The stick stays in the hand.
    """
    state = ctx.state
    # --- grasp the stick across its handle, choosing the hand's heading (of the two the fingers allow) that
    # leaves the wrist least turned once the stick is aimed
    grip_point = state.site_pos(tool, grip)
    _, tool_quat = state.object_pose(tool)
    tool_yaw = yaw_of(tool_quat)
    face_dir = _heading(state.site_pos(tool, normal) - state.site_pos(tool, face))
    push_dir = _heading(state.site_pos(target, target_site) - state.site_pos(object, "center"))
    turn = wrap_angle(push_dir - face_dir)
    hand_yaw = min((tool_yaw, tool_yaw + np.pi), key=lambda yaw: abs(wrap_angle(yaw + turn)))
    hand_yaw = wrap_angle(hand_yaw)
    quat = down_quat(hand_yaw)
    grasp = grip_point.copy()
    grasp[2] = max(grasp[2], 0.014)
    yield from ctx.move(grasp + [0, 0, 0.10], quat, OPEN, tol=0.01)
    yield from ctx.move(grasp + [0, 0, 0.03], quat, OPEN, speed=0.025)
    grasp[:2] = state.site_pos(tool, grip)[:2]
    yield from ctx.move(grasp, quat, OPEN, tol=0.004, speed=0.015, max_steps=40)
    yield from ctx.hold(CLOSE, 8)
    work_z = ctx.tcp()[0][2] + lift  # the stick then clears the table by ``lift``

    # --- lift, turn and carry the face over the spot behind the object
    def face_goal(turn_now: float, clearance: float) -> tuple[np.ndarray, np.ndarray]:
        """Where the face site should be (world) and the hand's offset from it, for a hand turned ``turn_now``."""
        center = state.site_pos(object, "center")
        goal = state.site_pos(target, target_site)
        direction = horizontal_unit(goal - center)
        point = center - direction * (_half_extent(ctx, object, direction) + clearance)
        if along is not None:
            side = _rotate(horizontal_unit(state.site_pos(tool, along) - state.site_pos(tool, face)), turn_now)
            point -= side * (_half_extent(ctx, object, side) + gap)
        return point, ctx.offset_after_turn(tool, face, turn_now)

    top = state.site_pos(object, "center")[2] + _half_extent(ctx, object, np.array([0.0, 0.0, 1.0]))
    carry_z = work_z - lift + top + hover  # the stick's underside ``hover`` above the object's top
    tcp, _ = ctx.tcp()
    yield from ctx.move([tcp[0], tcp[1], carry_z], quat, CLOSE, tol=0.006, speed=0.02)
    face_now = _heading(state.site_pos(tool, normal) - state.site_pos(tool, face))
    push_dir = _heading(state.site_pos(target, target_site) - state.site_pos(object, "center"))
    turn = wrap_angle(push_dir - face_now)
    hand_yaw = wrap_angle(hand_yaw + turn)
    quat = down_quat(hand_yaw)
    tcp, _ = ctx.tcp()
    # turn in place first (the stick swings round the hand), then carry it over
    yield from ctx.move([tcp[0], tcp[1], carry_z], quat, CLOSE, tol=0.01, speed=0.02, max_steps=60)

    def bring_face(clearance: float, height: float, speed: float, tol: float, steps: int) -> SkillGen:
        """Move the hand so the face sits ``clearance`` behind the object (re-aimed every step), at ``height``."""
        for _ in range(steps):
            point, offset = face_goal(0.0, clearance)
            goal = point + offset
            goal[2] = height
            if np.linalg.norm(goal - ctx.tcp()[0]) < tol:
                return
            yield ctx.delta_toward(goal, quat, speed, CLOSE)

    yield from bring_face(gap + 0.02, carry_z, speed=0.03, tol=0.006, steps=100)
    yield from bring_face(gap, work_z, speed=0.015, tol=0.004, steps=60)  # lower it beside / behind the object

    # --- shove
    pushed = 0
    if until_site is None:
        # Drag: the object rides on the face, so the hand steers it by moving as the object still has to go; the
        # heading stays put (turning the stick would swing the face across the object and drag it sideways).
        for _ in range(400):
            center = state.site_pos(object, "center")
            remaining = (state.site_pos(target, target_site) - center)[:2]
            distance = float(np.linalg.norm(remaining))
            if distance < tolerance:
                break
            tcp, _ = ctx.tcp()
            goal = np.array([*(tcp[:2] + remaining / distance * min(0.02, distance)), work_z])
            pushed += 1
            yield ctx.delta_toward(goal, quat, min(speed, 0.002 + 0.0005 * pushed), CLOSE)
    else:
        # Shot: re-aim the face at the line from the ball to the target every step and keep it pressed on the ball
        # (one shoved by a blow rolls off wherever the blow sent it).
        stop_dir = horizontal_unit(state.site_pos(target, target_site) - state.site_pos(object, "center"))
        for _ in range(400):
            center = state.site_pos(object, "center")
            if (center - state.site_pos(target, until_site))[:2] @ stop_dir[:2] > 0:
                break
            direction = horizontal_unit(state.site_pos(target, target_site) - center)
            face_now = _heading(state.site_pos(tool, normal) - state.site_pos(tool, face))
            turn = float(np.clip(wrap_angle(_heading(direction) - face_now), -0.04, 0.04))
            hand_yaw = wrap_angle(hand_yaw + turn)
            quat = down_quat(hand_yaw)
            point, offset = face_goal(turn, 0.0)
            goal = point + direction * 0.008 + offset
            goal[2] = work_z
            pushed += 1
            yield ctx.delta_toward(goal, quat, min(speed, 0.002 + 0.0005 * pushed), CLOSE)
    yield from ctx.hold(CLOSE, 4)


SKILLS: dict[str, Callable] = {"tool_push": tool_push}
