"""Expert skills of the knobs tasks: TurnOvenOn (turning a knob by its grip fin) and CloseLaptopLid (folding a
laptop's stiff-hinged lid shut)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.geometry import quat_to_mat
from arena.policies.motion import (
    CLOSE,
    SkillContext,
    SkillGen,
    down_quat,
    gripper_command,
    nearest_symmetric_yaw,
    yaw_of,
)

#: Half the width of a closed Panda finger along the hand's x axis (its pads are 19 mm wide, metres).
FINGER_HALF_WIDTH = 0.0095
#: Height of the tool centre point above the fingertips' lower edge (metres; arena/robot/panda.xml).
TCP_ABOVE_FINGERTIPS = 0.0085
#: Joint 7 of the Panda turns within +-2.8973 rad.
JOINT7_LIMIT = 2.8973


def close_laptop(ctx: SkillContext, object: str, lead: float = 0.15, below_edge: float = 0.025) -> SkillGen:  # noqa: A002
    """Fold a laptop's lid (joint ``lid``, 0 closed) shut against its hinge's dry friction, pushing it all the way.

    The hand points down, its fingers closed. While the lid leans back past upright its outer face overhangs, so
    the fingers push the free edge sideways (the edge ``below_edge`` metres above the tool centre point, against
    the fingers' flat sides); once it is past upright the fingertips press on the outer face ``below_edge`` from the
    free edge. Every step re-reads the lid's angle and aims ``lead`` radians further closed, so the hand pushes the
    lid round rather than replaying a path, down onto the base; then it lifts away.
    """
    state = ctx.state
    hinge = state.site_pos(object, "hinge")
    _, obj_quat = state.object_pose(object)
    rotation = quat_to_mat(obj_quat)
    length = float(np.linalg.norm(state.site_pos(object, "lid_edge") - hinge))  # hinge axis to the outer free edge
    quat = down_quat(nearest_symmetric_yaw(yaw_of(obj_quat), 0.0, np.pi))  # pad faces across the lid

    def world(x: float, z: float) -> np.ndarray:
        return hinge + rotation @ np.array([x, 0.0, z])

    def target(angle: float) -> np.ndarray:
        # object-frame x (behind the hinge is +x) and z of the lid's outer free edge at this angle
        edge_x, edge_z = -length * np.cos(angle), length * np.sin(angle)
        if angle >= np.pi / 2:  # overhanging: the fingers' side against the free edge
            return world(edge_x + FINGER_HALF_WIDTH, edge_z - below_edge)
        radius = length - below_edge
        normal = np.array([np.sin(angle), np.cos(angle)])
        support = FINGER_HALF_WIDTH * np.sin(angle) + TCP_ABOVE_FINGERTIPS * np.cos(angle)
        x, z = np.array([-radius * np.cos(angle), radius * np.sin(angle)]) + normal * support
        return world(x, z)

    out = rotation @ np.array([1.0, 0.0, 0.0])  # away from the laptop, past the hinge

    def outside() -> np.ndarray:  # just outside the free edge, the lid's outermost point while it leans back
        return target(state.joint_value(object, "lid")) + out * 0.02

    yield from ctx.move(outside() + [0.0, 0.0, 0.06], quat, CLOSE, tol=0.01)
    for _ in range(40):
        point = outside()
        tcp, _ = ctx.tcp()
        if np.linalg.norm(point - tcp) < 0.006:
            break
        yield ctx.delta_toward(point, quat, 0.02, CLOSE)
    for _ in range(180):
        angle = state.joint_value(object, "lid")
        if angle < 0.02:
            break
        yield ctx.delta_toward(target(max(angle - lead, -0.03)), quat, 0.012, CLOSE)
    yield from ctx.hold(CLOSE, 3)
    tcp, _ = ctx.tcp()
    yield from ctx.move(tcp + out * 0.02 + [0.0, 0.0, 0.08], quat, CLOSE, tol=0.01)


def turn_knob(
    ctx: SkillContext,
    object: str,  # noqa: A002 - YAML field name
    knob: str,
    angle: float = 1.75,
    clearance: float = 0.008,
) -> SkillGen:
    """Grasp knob ``knob`` of ``object`` by its grip fin from above and turn it ``angle`` radians (counter-clockwise
    seen from above, the joint's positive sense), then let go and lift away.

    The knob part carries sites ``grip_<knob>`` (the fin's centre at the height to pinch it) and ``face_<knob>`` (on
    the fin's side face), so the skill reads the fin's heading and thickness from the scene. The fingers open only
    ``clearance`` either side of the fin (the neighbouring knobs stay clear). The fin is symmetric by pi, so of the
    two grasp headings the one that keeps the Panda's joint 7 inside its limits through the turn is taken. The turn
    is closed-loop: every step aims the hand a little ahead of the knob's measured angle, keeping the tool centre
    point on the knob's axis, until the knob has turned ``angle``.
    """
    state = ctx.state
    joint = f"knob_{knob}"
    grip = state.site_pos(object, f"grip_{knob}")
    face = state.site_pos(object, f"face_{knob}")
    side = face - grip
    side[2] = 0.0
    grip[2] = face[2] + TCP_ABOVE_FINGERTIPS + 0.002  # the fingertips just clear of the skirt
    thickness = 2.0 * float(np.linalg.norm(side))
    fin_yaw = float(np.arctan2(side[1], side[0])) - np.pi / 2  # the fin's long axis: the hand's x axis
    # joint 7 turns opposite to the hand's heading about the world's up axis (the hand points down)
    _, tcp_quat = ctx.tcp()
    hand_yaw = yaw_of(tcp_quat)
    q7 = float(ctx.env.controller.arm_qpos()[6])
    candidates = [fin_yaw + k * np.pi for k in range(-3, 4)]
    start_yaw = min(candidates, key=lambda yaw: abs(q7 - (yaw - hand_yaw) - angle / 2))
    opening = gripper_command(min(thickness + 2 * clearance, 0.08))

    start = state.joint_value(object, joint)
    quat = down_quat(start_yaw)
    yield from ctx.move(grip + [0.0, 0.0, 0.10], quat, opening, tol=0.01)
    yield from ctx.move(grip + [0.0, 0.0, 0.03], quat, opening, tol=0.005, speed=0.025)
    yield from ctx.move(grip, quat, opening, tol=0.003, speed=0.012, max_steps=40)
    yield from ctx.hold(CLOSE, 8)
    for _ in range(120):
        turned = state.joint_value(object, joint) - start
        if turned >= angle:
            break
        aim = start_yaw + min(turned + 0.25, angle + 0.05)
        yield ctx.delta_toward(grip, down_quat(aim), 0.01, CLOSE)
    tcp, tcp_quat = ctx.tcp()
    yield from ctx.release(down_quat(yaw_of(tcp_quat)), rise=0.08)


SKILLS: dict[str, Callable] = {"close_laptop": close_laptop, "turn_knob": turn_knob}
