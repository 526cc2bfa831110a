"""The deformables: StraightenRope's rope and marks, WipeDesk's sponge and dirt (fits, joints, wiping, printing)."""

from __future__ import annotations

import math

import gymnasium as gym
import mujoco
import numpy as np
import pytest

import arena  # noqa: F401 - registers the ids
from arena.objects.dirt import DirtPatch, Sponge
from arena.objects.rope import Rope, RopeMarks
from arena.printing import plan_release
from arena.robot import panda
from arena.spec.task import load_task

GRIP_LIMIT = 0.07  # the widest thing the fingers (80 mm open) may be asked to close on


@pytest.fixture(scope="module")
def rope_task():
    return load_task("StraightenRope")


@pytest.fixture(scope="module")
def wipe_task():
    return load_task("WipeDesk")


def test_rope_links_hang_on_limited_damped_ball_joints_from_the_middle(rope_task):
    rope = rope_task.object("rope").shape
    parts = rope.parts()
    assert parts[0].name == rope.part_name(rope.root_index()) and parts[0].joint is None
    joints = [p.joint for p in parts[1:]]
    assert len(joints) == rope.links - 1
    for joint in joints:
        assert joint.kind == "ball" and joint.range == (0.0, rope.max_bend) and 0 < rope.max_bend < math.pi / 2
        assert joint.damping > 0 and joint.stiffness > 0
    # every link's parent is its neighbour toward the middle
    names = {p.name: p for p in parts}
    for index in range(rope.links):
        part = names[rope.part_name(index)]
        if index != rope.root_index():
            toward_root = index - 1 if index > rope.root_index() else index + 1
            assert part.parent == rope.part_name(toward_root)


def test_rope_fits_the_fingers_and_its_links_do_not_touch_their_second_neighbours(rope_task):
    rope = rope_task.object("rope")
    low, high = rope_task.size_range(rope)
    for scale in (low, high):
        shape = rope.shape.scaled(scale)
        assert 2 * shape.radius < GRIP_LIMIT
        assert shape.link_length() > 2 * shape.radius  # straight, link k and k+2 are a whole link apart
        # fingertip centre at max(radius, 9.5 mm): the pads (8.5 mm below it, 18 mm tall) cover the rope's axis
        tcp = max(shape.radius, 0.0095)
        assert tcp - 0.0085 <= shape.radius <= tcp + 0.0095


def test_the_marks_take_the_ropes_size_so_the_ends_reach_them_at_every_size(rope_task):
    rope, marks = rope_task.object("rope"), rope_task.object("marks")
    assert marks.scale_with == "rope" and not marks.shape.collides and not marks.shape.free
    within = 0.03  # the success radius in the task file
    with open(rope_task.source) as handle:
        assert "within: 0.03" in handle.read()
    for scale in rope_task.size_range(rope):
        length = rope.shape.scaled(scale).length
        span = marks.shape.scaled(scale).span
        slack = length - span  # straight, the ends overhang the two marks' centres by slack / 2 each
        assert 0 < slack / 2 < within, (scale, slack)


def test_a_ball_joints_initial_value_bends_the_rope_in_the_table_plane():
    env = gym.make("Arena-StraightenRope", obs_mode="state")
    _, info = env.reset(seed=4)
    unwrapped = env.unwrapped
    config = info["episode_config"]
    state = unwrapped.scene_state
    data = unwrapped.data
    for joint, value in config.joint_positions.items():
        quat = data.joint(joint).qpos
        axis = quat[1:] / max(np.linalg.norm(quat[1:]), 1e-12)
        assert 2 * math.atan2(np.linalg.norm(quat[1:]), quat[0]) == pytest.approx(abs(value), abs=0.05)
        if abs(value) > 0.1:
            assert abs(axis[2]) > 0.9  # about the link's vertical (in-plane bend), after settling
    ends = [state.site_pos("rope", f"end_{e}") for e in "ab"]
    length = unwrapped.task.object("rope").shape.length
    assert np.linalg.norm(ends[0] - ends[1]) < 0.96 * length  # curled, not straight
    for end in ends:
        assert end[2] == pytest.approx(unwrapped.task.object("rope").shape.radius, abs=0.003)  # lying on the table
    assert not info["success"] and unwrapped.success_tree != {}
    env.close()


def test_sponge_fits_the_fingers_and_its_wiping_face_is_slicker_than_its_grip(wipe_task):
    sponge = wipe_task.object("sponge")
    _, high = wipe_task.size_range(sponge)
    assert sponge.shape.scaled(high).size_y < GRIP_LIMIT
    parts = {p.name: p for p in sponge.shape.parts()}
    assert parts["face"].friction < sponge.friction and parts["foam"].friction is None
    assert parts["scour"].color == "green"
    assert Sponge.printable


def test_dirt_specks_lie_apart_inside_the_outline_at_every_size(wipe_task):
    dirt = wipe_task.object("dirt")
    for scale in wipe_task.size_range(dirt):
        patch = dirt.shape.scaled(scale)
        offsets = patch.speck_offsets()
        assert offsets.shape == (50, 2)
        inside = np.abs(offsets) + patch.speck_radius <= [patch.size_x / 2, patch.size_y / 2]
        assert inside.all()
        gaps = np.linalg.norm(offsets[:, None] - offsets[None], axis=-1) + np.eye(len(offsets))
        assert gaps.min() > 2 * patch.speck_radius


def test_a_sponge_lying_on_the_patch_wipes_the_specks_under_it_and_a_reset_lays_them_again():
    env = gym.make("Arena-WipeDesk", obs_mode="state")
    _, info = env.reset(seed=2)
    unwrapped = env.unwrapped
    state, model, data = unwrapped.scene_state, unwrapped.model, unwrapped.data
    assert info["dirt_left"] == {"dirt": 50} and not info["success"]
    center = state.site_pos("dirt", "center")
    address = state.free_qpos_address("sponge")
    data.qpos[address : address + 3] = [center[0], center[1], 0.0005]
    mujoco.mj_forward(model, data)
    _, _, _, _, info = env.step(np.zeros(7))
    left = info["dirt_left"]["dirt"]
    assert 0 < left < 50  # the specks under the sponge's face went, the others stayed
    hidden = data.mocap_pos[:, 2] < 0
    assert hidden.sum() == 50 - left
    first = data.mocap_pos.copy()
    _, info = env.reset(seed=2)
    assert info["dirt_left"] == {"dirt": 50}
    assert (data.mocap_pos[:, 2] >= 0).all() and not np.array_equal(first, data.mocap_pos)
    _, info = env.reset(seed=2)  # a replay lays them exactly where they were
    again = data.mocap_pos.copy()
    env.reset(seed=2)
    np.testing.assert_array_equal(again, data.mocap_pos)
    env.close()


def test_the_rope_and_the_dirt_are_not_printed_but_named_with_a_substitute(rope_task, wipe_task):
    assert not Rope.printable and not DirtPatch.printable and RopeMarks.printable
    items = plan_release([rope_task, wipe_task], [1.0], distractors=False)
    assert {i.object for i in items} == {"marks", "sponge"}
    rope = rope_task.object("rope").shape.scaled(1.25)
    text = rope.substitute()
    assert f"{2000 * rope.radius:.1f} mm thick" in text and f"{1000 * rope.length:.0f} mm long" in text
    assert "50 paper confetti dots" in wipe_task.object("dirt").shape.substitute()


def test_the_fingers_close_narrower_than_the_thinnest_rope():
    rope = load_task("StraightenRope").object("rope")
    low, _ = load_task("StraightenRope").size_range(rope)
    assert 2 * rope.shape.scaled(low).radius < panda.MAX_GRIPPER_GAP
