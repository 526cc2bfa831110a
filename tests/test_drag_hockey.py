"""ReachAndDrag and Hockey objects: the sticks are graspable and reach their objects at every size the size axes draw,
the ball fits the goal and the success disc lies inside it, and only a shot with the stick in hand counts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arena.objects.sticks import HockeyGoal, HockeyStick, HookStick
from arena.robot.panda import MAX_GRIPPER_GAP
from arena.spec import predicates
from arena.spec.task import load_task

#: Widest object the fingers are asked to close on: the open gap less a finger's approach error on each side.
GRASPABLE = MAX_GRIPPER_GAP - 0.01
#: How far the expert lifts a stick off the table while shoving (``tool_push``'s ``lift``).
LIFT = 0.004


def _range(task: str, name: str) -> tuple[float, float]:
    spec = load_task(task)
    return spec.size_range(spec.object(name))


def _part(shape, name: str):
    return next(part for part in shape.parts() if part.name == name)


def _sleeve_width(shape) -> float:
    """Width across the grip sleeve's side walls, where the fingers close."""
    walls = [p for p in _part(shape, "grip").primitives if p.pos[1] != 0.0]
    return max(p.pos[1] + p.size[1] for p in walls) - min(p.pos[1] - p.size[1] for p in walls)


@pytest.mark.parametrize(("task", "kind"), [("ReachAndDrag", HookStick), ("Hockey", HockeyStick)])
def test_each_stick_is_held_by_a_rubber_grip_the_fingers_can_close_on_at_every_size(task, kind):
    spec = load_task(task).object("stick")
    assert isinstance(spec.shape, kind)
    for scale in _range(task, "stick"):
        shape = spec.shape.scaled(scale)
        grip = _part(shape, "grip")
        assert grip.color == "black" and grip.friction == pytest.approx(1.2)  # friction is not a length
        assert 0.012 < _sleeve_width(shape) < GRASPABLE
        # the sleeve sits on the handle's axis, around the grip site
        gx = shape.parts()[0].sites["grip"][0]
        xs = [p.pos[0] for p in grip.primitives]
        assert min(xs) == pytest.approx(gx) and max(xs) == pytest.approx(gx)


def test_the_hook_reaches_past_the_biggest_cube_beside_the_smallest_stick_and_catches_the_smallest_cube_low():
    task = load_task("ReachAndDrag")
    stick_low, _ = _range("ReachAndDrag", "stick")
    _, cube_high = _range("ReachAndDrag", "cube")
    cube_low, _ = _range("ReachAndDrag", "cube")
    stick = task.object("stick").shape.scaled(stick_low)
    big = task.object("cube").shape.scaled(cube_high).size_y
    small = task.object("cube").shape.scaled(cube_low).size_z
    gap = 0.012  # the expert's clearance between handle and cube (tool_push's default ``gap``)
    sites = stick.parts()[0].sites
    face, tip = np.array(sites["face"]), np.array(sites["hook_tip"])
    assert tip[1] - face[1] >= gap + big  # the cube's whole back face meets the hook
    # held LIFT above the table, the hook meets the smallest cube below its middle (it slides, never tips)
    assert LIFT < small / 2 < LIFT + stick.width
    # the working face looks back along the handle, toward the hand
    normal = np.array(sites["face_normal"]) - face
    assert normal[0] < 0 and abs(normal[1]) < 1e-12 and abs(normal[2]) < 1e-12


def test_the_blade_meets_every_ball_at_its_centre_and_faces_away_from_the_shaft():
    task = load_task("Hockey")
    low, high = _range("Hockey", "ball")
    for stick_scale in _range("Hockey", "stick"):
        stick = task.object("stick").shape.scaled(stick_scale)
        blade = _part(stick, "blade")
        assert blade.friction == pytest.approx(0.2)  # slick: the ball's spin does not drag the blade up
        for ball_scale in (low, high):
            centre = task.object("ball").shape.scaled(ball_scale).radius
            assert LIFT + 0.2 * stick.blade_height < centre < LIFT + 0.9 * stick.blade_height
        sites = stick.parts()[0].sites
        face, normal = np.array(sites["face"]), np.array(sites["face_normal"]) - np.array(sites["face"])
        heel = np.array(sites["heel"])
        assert normal[0] > 0  # forward, away from the hand
        assert (heel - face)[:2] @ normal[:2] < 0  # the shaft lies behind the face
        # the face site lies on the blade's front surface: half the blade's thickness in front of its mid-plane
        (box,) = blade.primitives
        assert (face - np.array(box.pos))[:2] @ normal[:2] / np.linalg.norm(normal) == pytest.approx(box.size[1])


def test_the_ball_fits_the_goal_and_the_success_disc_lies_inside_it_at_every_scale():
    task = load_task("Hockey")
    assert task.object("goal").scale_with == "ball"  # one ReceiverSize factor: the fit does not change with size
    within = task.success["all"][0]["site_near"]["within"]
    for scale in _range("Hockey", "goal"):
        goal = task.object("goal").shape.scaled(scale)
        ball = task.object("ball").shape.scaled(scale)
        assert isinstance(goal, HockeyGoal)
        assert goal.width - 2 * ball.radius > 0.06  # ~5 cm of room either side at nominal size (9.8 cm in all)
        assert goal.height > 2 * ball.radius + goal.bar  # it rolls in under the crossbar
        # the disc ends behind the goal line, and a ball resting against the back net is inside it
        assert within <= goal.depth / 2
        assert goal.depth / 2 - ball.radius < within
        # the back net's cords are closer than the ball is wide: it cannot pass through
        net = _part(goal, "net").primitives
        ys = sorted({round(p.pos[1], 6) for p in net if p.size[2] > p.size[1]})
        gaps = np.diff([-goal.width / 2, *ys, goal.width / 2])
        zs = sorted({round(p.pos[2], 6) for p in net if p.size[1] > p.size[2]})
        assert max(gaps) < 2 * ball.radius and max(np.diff([goal.bar, *zs, goal.height])) < 2 * ball.radius


def test_the_goal_is_fixed_and_prints_as_a_frame_and_three_nets():
    goal = HockeyGoal()
    assert not goal.free and goal.collides
    names = [part.name for part in goal.parts()]
    assert names == ["body", "net", "net_left", "net_right"]
    assert all(part.joint is None and part.color == "white" for part in goal.parts()[1:])
    assert goal.footprint_radius() >= math.hypot(goal.depth / 2 + goal.bar, goal.width / 2 + goal.bar) - 1e-12


class _Scene:
    """A stand-in for the simulation: where the ball is and whether the stick is held."""

    def __init__(self, ball: tuple[float, float, float], held: bool) -> None:
        self.ball, self.held = np.array(ball), held

    def site_pos(self, obj: str, site: str) -> np.ndarray:
        return self.ball if obj == "ball" else np.zeros(3)

    def grasped(self, name: str) -> bool:
        return self.held


@pytest.mark.parametrize(
    ("ball", "held", "success"),
    [
        ((0.0, 0.0, 0.026), True, True),  # in the goal, stick in hand
        ((0.0, 0.0, 0.026), False, False),  # in the goal, but the stick was let go
        ((-0.05, 0.0, 0.026), True, False),  # on the goal line of the nominal goal: not yet in
        ((0.0, 0.0, 0.12), True, False),  # above the crossbar
    ],
)
def test_only_a_ball_in_the_goal_with_the_stick_in_hand_counts(ball, held, success):
    tree = predicates.resolve(load_task("Hockey").success, {})
    assert predicates.evaluate(tree, _Scene(ball, held)) is success


def test_reach_and_drag_counts_only_with_the_stick_in_hand():
    success = load_task("ReachAndDrag").success
    assert {"grasped": {"object": "stick"}} in success["all"]
    assert {"inside_region": {"object": "cube", "region": "target"}} in success["all"]
