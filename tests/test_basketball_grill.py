"""BasketballInHoop and MeatOnGrill objects: the fits hold at every size the size axes draw, the ball cannot rest on the
rim, and only the named item on the grate counts."""

from __future__ import annotations

import dataclasses
import math

import gymnasium as gym
import mujoco
import numpy as np
import pytest

from arena.objects.basketball import BasketballHoop
from arena.objects.grill import Drumstick, Grill, Steak
from arena.robot.panda import MAX_GRIPPER_GAP
from arena.spec import predicates, sample_episode
from arena.spec.task import load_task

#: Widest object the fingers are asked to close on: the open gap less a finger's approach error on each side.
GRASPABLE = MAX_GRIPPER_GAP - 0.01


def _size_range(task: str, name: str) -> tuple[float, float]:
    spec = load_task(task)
    return spec.size_range(spec.object(name))


def _shape(task: str, name: str, scale: float = 1.0):
    return load_task(task).object(name).shape.scaled(scale)


def _box_extents(shape, part_name: str | None = None) -> np.ndarray:
    """[[low], [high]] of the parts' boxes, cylinders and spheres (object frame, joints at zero)."""
    lows, highs = [], []
    for part in shape.parts():
        if part_name is not None and part.name != part_name:
            continue
        for p in part.primitives:
            rot = _rotation(p.quat)
            if p.kind == "box":
                half = np.abs(rot) @ np.asarray(p.size)
            elif p.kind == "cylinder":
                axis = rot[:, 2]
                half = p.size[0] * np.sqrt(np.clip(1 - axis**2, 0, 1)) + p.size[1] * np.abs(axis)
            else:
                half = np.full(3, p.size[0])
            lows.append(np.asarray(p.pos) + np.asarray(part.pos) - half)
            highs.append(np.asarray(p.pos) + np.asarray(part.pos) + half)
    return np.array([np.min(lows, axis=0), np.max(highs, axis=0)])


def _rotation(quat) -> np.ndarray:
    w, x, y, z = quat
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


# --- BasketballInHoop: geometry ---


def test_the_rim_opening_is_wider_than_the_biggest_ball_in_the_smallest_hoop():
    ball_low, ball_high = _size_range("BasketballInHoop", "ball")
    hoop_low, hoop_high = _size_range("BasketballInHoop", "hoop")
    ball, hoop = _shape("BasketballInHoop", "ball"), _shape("BasketballInHoop", "hoop")
    worst = hoop.rim_radius * hoop_low - ball.radius * ball_high
    assert 0.001 <= worst <= 0.004, f"worst radial clearance {worst * 1000:.1f} mm"
    # The site the success predicate measures the opening with is the rim's inner face at every scale.
    for scale in (hoop_low, 1.0, hoop_high):
        h = hoop.scaled(scale)
        sites = {k: np.asarray(v) for part in h.parts() for k, v in part.sites.items()}
        assert np.linalg.norm(sites["rim_edge"] - sites["rim_center"]) == pytest.approx(h.rim_radius)
        assert sites["rim_edge"][2] == sites["rim_center"][2]
    assert 2 * ball.radius * ball_high < GRASPABLE  # graspable at its largest
    assert 2 * ball.radius * ball_low > 0.03  # and still a ball the pads close on at its smallest


def test_no_ball_can_rest_between_rim_and_neck_or_touch_the_backboard_from_the_rim():
    ball_low, ball_high = _size_range("BasketballInHoop", "ball")
    _, hoop_high = _size_range("BasketballInHoop", "hoop")
    hoop_low = _size_range("BasketballInHoop", "hoop")[0]
    hoop, ball = _shape("BasketballInHoop", "hoop"), _shape("BasketballInHoop", "ball")
    # A ball pressed against the neck above the rim's back has its centre inside the rim's crest (half the rim).
    crest_from_neck = (hoop.rim_gap + hoop.rim_thickness / 2) * hoop_high
    assert crest_from_neck < ball.radius * ball_low - 0.005
    # The backboard starts above the top of any ball lying on the rim's crest.
    ball_top = hoop.ridge_height() * hoop_low + 2 * ball.radius * ball_high
    assert hoop.board_above * hoop_low > ball_top


def test_the_base_lies_clear_of_the_opening_and_the_rim_is_high_enough_to_fall_through():
    hoop = _shape("BasketballInHoop", "hoop")
    for scale in _size_range("BasketballInHoop", "hoop"):
        h = hoop.scaled(scale)
        base = _box_extents(h, "body")
        cx, _, cz = h.rim_center()
        ball_high = _size_range("BasketballInHoop", "ball")[1] * _shape("BasketballInHoop", "ball").radius
        assert base[0][0] == pytest.approx(0.0)  # nothing of the stand reaches in front of the board plane
        assert cx + ball_high < -0.005  # a centred ball falls clear of it, the biggest ball in the smallest hoop too
        base_plate = h.parts()[0].primitives[0]
        assert base_plate.pos[0] - base_plate.size[0] >= 0.0  # the base plate is behind the board plane
        assert cz > 4 * ball_high  # the ball is well through before it reaches the table


def test_the_rim_has_no_flat_top_and_is_a_fixed_accent_part():
    hoop = _shape("BasketballInHoop", "hoop")
    parts = {p.name: p for p in hoop.parts()}
    assert not BasketballHoop.free
    rim = parts["rim"]
    assert rim.parent == "body" and rim.joint is None and rim.color == "red"
    top = max(p.pos[2] + p.size[0] for p in rim.primitives if p.kind == "cylinder")  # the tube's crest
    boxes_top = max(p.pos[2] + p.size[2] for p in rim.primitives if p.kind == "box")
    assert boxes_top < top - 0.3 * hoop.rim_thickness  # every flat box face lies well under the round tube's crest
    assert top == pytest.approx(hoop.rim_center()[2] + hoop.ridge_height())


@pytest.fixture(scope="module")
def hoop_env():
    env = gym.make("Arena-BasketballInHoop-All", obs_mode="state")
    yield env
    env.close()


def _reset_with_sizes(env, task: str, seed: int, sizes: dict[str, float], variant: dict | None = None):
    base = sample_episode(task, "All", seed)
    spec = load_task(task)
    perturbations = {
        "ObjectSize": {o.name: sizes.get(o.name, 1.0) for o in spec.objects_with_role("MO")},
        "ReceiverSize": {o.name: sizes.get(o.name, 1.0) for o in spec.objects_with_role("RO")},
    }
    config = dataclasses.replace(base, perturbations=perturbations)
    if variant is not None:
        config = dataclasses.replace(config, variant=variant)
    env.reset(options={"episode_config": config})
    return env.unwrapped


@pytest.mark.parametrize(("ball_scale", "hoop_scale"), [(0.75, 1.15), (1.25, 0.75)])
def test_a_ball_dropped_on_the_rim_never_stays_there(hoop_env, ball_scale, hoop_scale):
    env = _reset_with_sizes(hoop_env, "BasketballInHoop", 0, {"ball": ball_scale, "hoop": hoop_scale})
    model, data, state = env.model, env.data, env.scene_state
    center, edge = state.site_pos("hoop", "rim_center"), state.site_pos("hoop", "rim_edge")
    radius = np.linalg.norm(edge[:2] - center[:2])
    t = load_task("BasketballInHoop").object("hoop").shape.rim_thickness * hoop_scale
    r = load_task("BasketballInHoop").object("ball").shape.radius * ball_scale
    hoop = load_task("BasketballInHoop").object("hoop").shape
    front = (edge[:2] - center[:2]) / radius
    side = np.array([-front[1], front[0]])
    address = state.free_qpos_address("ball")
    snapshot = data.qpos.copy()
    drops = [  # over the crest at the front, over the crest at the side, just inside and outside of it
        front * (radius + t / 2),
        side * (radius + t / 2),
        front * (radius + 0.2 * t),
        -side * (radius + 0.8 * t),
        -front * (radius + t + hoop.rim_gap * hoop_scale - r - 0.001),  # at the back, against the neck
    ]
    for offset in drops:
        data.qpos[:] = snapshot
        data.qvel[:] = 0.0
        data.qpos[address : address + 3] = [*(center[:2] + offset), center[2] + 0.004 + 0.01 * hoop_scale]
        data.qpos[address + 3 : address + 7] = [1.0, 0.0, 0.0, 0.0]
        mujoco.mj_forward(model, data)
        assert not state.touching("ball", "hoop")
        for _ in range(2500):  # 5 s
            mujoco.mj_step(model, data)
        ball = state.site_pos("ball", "center")
        assert ball[2] < center[2] - 2 * r, f"ball dropped at {offset} rests at {ball - center} from the rim centre"


def test_passes_through_counts_only_a_downward_crossing_inside_the_ring():
    class Query:
        def __init__(self, before, now):
            self.before, self.now = np.asarray(before, float), np.asarray(now, float)

        def previous_site_pos(self, obj, site):
            return self.before

        def site_pos(self, obj, site):
            return {"rim_center": np.array([0.5, 0.2, 0.19]), "rim_edge": np.array([0.454, 0.2, 0.19])}.get(
                site, self.now
            )

    tree = {"passes_through": {"object": "ball", "ring": "hoop", "site": "rim_center", "edge_site": "rim_edge"}}
    assert predicates.evaluate(tree, Query([0.5, 0.21, 0.20], [0.5, 0.21, 0.185]))
    assert not predicates.evaluate(tree, Query([0.5, 0.21, 0.185], [0.5, 0.21, 0.20]))  # going up
    assert not predicates.evaluate(tree, Query([0.45, 0.2, 0.20], [0.45, 0.2, 0.18]))  # outside the opening
    assert not predicates.evaluate(tree, Query([0.5, 0.2, 0.25], [0.5, 0.2, 0.21]))  # still above


# --- MeatOnGrill: geometry ---


def test_every_item_at_its_largest_fits_inside_the_smallest_grill_across_its_width():
    grill_low = _size_range("MeatOnGrill", "grill")[0]
    grill = _shape("MeatOnGrill", "grill", grill_low)
    half_x, half_y = grill.inner_half()
    for name in ("chicken", "steak"):
        high = _size_range("MeatOnGrill", name)[1]
        extents = _box_extents(_shape("MeatOnGrill", name, high))
        length, width = np.ptp(extents[:, 0]), np.ptp(extents[:, 1])
        # The expert lays each item with its length along the grill's y (width): it must clear the side walls.
        assert length < 2 * half_y - 0.02, f"{name}: {length * 1000:.0f} mm long, grate {2 * half_y * 1000:.0f} mm"
        assert width < 2 * half_x - 0.02
    # The success region (0.05 m round the grate's centre) lies inside the grate at the smallest grill.
    assert min(half_x, half_y) > 0.05
    assert grill.recess > 0 and grill.grate_top() < grill.leg_height + grill.box_height


def test_the_grate_bars_are_parallel_and_closer_than_any_item_is_wide():
    grill = _shape("MeatOnGrill", "grill", _size_range("MeatOnGrill", "grill")[1])
    grate = next(p for p in grill.parts() if p.name == "grate")
    bars = [p for p in grate.primitives if p.size[0] > p.size[1]]  # long along x
    assert len(bars) == grill.bars
    ys = sorted(p.pos[1] for p in bars)
    gaps = np.diff(ys) - 2 * bars[0].size[1]
    assert np.allclose(gaps, gaps[0]) and gaps[0] > 0
    smallest = _size_range("MeatOnGrill", "steak")[0]
    steak = _shape("MeatOnGrill", "steak", smallest)
    drumstick = _shape("MeatOnGrill", "chicken", _size_range("MeatOnGrill", "chicken")[0])
    assert gaps[0] < 2 * steak.small_radius and gaps[0] < 2 * drumstick.middle_radius


def test_items_are_graspable_and_the_drumstick_lies_on_its_meat_with_the_bone_clear():
    for name in ("chicken", "steak"):
        low, high = _size_range("MeatOnGrill", name)
        shape = _shape("MeatOnGrill", name, high)
        width = np.ptp(_box_extents(shape)[:, 1]) if name == "chicken" else 2 * shape.small_radius
        assert width < GRASPABLE, f"{name} is {width * 1000:.0f} mm across the grasp"
    steak = _shape("MeatOnGrill", "steak", _size_range("MeatOnGrill", "steak")[0])
    assert steak.thickness > 0.015  # the pads (down to 6 mm above the table at the lowest grasp) still overlap it
    drumstick = Drumstick()
    meat = _box_extents(drumstick, "body")
    bone = _box_extents(drumstick, "bone")
    assert meat[0][2] == pytest.approx(0.0, abs=1e-12)
    assert bone[0][2] > 0.003  # the bone never touches the table
    assert all(p.pos[2] - p.size[0] >= -1e-12 for p in drumstick.parts()[0].primitives if p.kind == "sphere")
    assert Grill().footprint_radius() > Steak().footprint_radius() and not Grill.free


@pytest.fixture(scope="module")
def grill_env():
    env = gym.make("Arena-MeatOnGrill-All", obs_mode="state")
    yield env
    env.close()


def _lay_on_grate(env, name: str) -> None:
    state, model, data = env.scene_state, env.model, env.data
    grate = state.site_pos("grill", "grate")
    _, grill_quat = state.object_pose("grill")
    grill_yaw = 2 * math.atan2(grill_quat[3], grill_quat[0])
    address = state.free_qpos_address(name)
    yaw = grill_yaw + math.pi / 2
    data.qpos[address : address + 3] = [grate[0], grate[1], grate[2] + 0.004]
    data.qpos[address + 3 : address + 7] = [math.cos(yaw / 2), 0.0, 0.0, math.sin(yaw / 2)]
    mujoco.mj_forward(model, data)
    for _ in range(500):
        mujoco.mj_step(model, data)


@pytest.mark.parametrize(("item", "other"), [("chicken", "steak"), ("steak", "chicken")])
def test_only_the_named_item_resting_on_the_grate_counts(grill_env, item, other):
    for item_scale, grill_scale in ((1.15, 0.75), (0.65, 1.25)):
        env = _reset_with_sizes(
            grill_env, "MeatOnGrill", 1, {"chicken": item_scale, "steak": item_scale, "grill": grill_scale}
        )
        sizes = {"chicken": item_scale, "steak": item_scale, "grill": grill_scale}
        tree = predicates.resolve(env.task.success, {"item": item})
        assert not predicates.evaluate(tree, env.scene_state)  # both items start on the table
        _lay_on_grate(env, other)
        assert env.scene_state.touching(other, "grill") and not env.scene_state.touching_table(other)
        assert not predicates.evaluate(tree, env.scene_state), f"{other} on the grill counted for {item}"
        env = _reset_with_sizes(grill_env, "MeatOnGrill", 1, sizes)
        _lay_on_grate(env, item)
        assert env.scene_state.touching(item, "grill") and not env.scene_state.touching_table(item)
        assert predicates.evaluate(tree, env.scene_state), f"{item} at {item_scale} on grill at {grill_scale}"
