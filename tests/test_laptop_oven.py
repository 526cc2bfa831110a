"""CloseLaptopLid's laptop and TurnOvenOn's oven and knob strip: the joints are real and limited, the laptop's hinge
holds its lid, the knobs' fins can be pinched and turned at every size the size axes draw without touching the
neighbouring knobs, the strip stays on the oven's top, and the printed hinge and pivots assemble."""

from __future__ import annotations

import inspect
import math

import numpy as np

from arena.objects.laptop import Laptop
from arena.objects.oven import KNOBS, Oven, OvenKnobs
from arena.policies.skills.knobs import turn_knob
from arena.printing import printable_object
from arena.robot.panda import MAX_GRIPPER_GAP
from arena.spec.task import load_task

GRAVITY = 9.81
#: Panda finger pads (arena/robot/panda.xml): 19 mm wide, 8 mm thick, their lowest 18 mm below the finger block.
PAD_HALF_WIDTH, PAD_THICKNESS, PAD_HEIGHT = 0.0095, 0.008, 0.018


def _part(shape, name):
    return next(p for p in shape.parts() if p.name == name)


def _box_top(primitive) -> float:
    return primitive.pos[2] + primitive.size[2]


# --- CloseLaptopLid ---


def test_the_laptop_lid_turns_on_a_limited_damped_stiff_hinge_that_holds_it_at_any_angle():
    task = load_task("CloseLaptopLid")
    laptop = task.object("laptop")
    low, high = task.size_range(laptop)
    _, heaviest = task.axis_range("Mass")
    shape = laptop.shape.scaled(high)
    lid = _part(shape, "lid")
    assert lid.joint is not None and lid.joint.kind == "hinge" and lid.joint.range == (0.0, shape.open_angle)
    assert lid.joint.damping > 0
    # the lid's weight at its worst (level, largest, heaviest) is below the hinge's dry friction
    mass = lid.volume() * laptop.density * heaviest
    assert mass * GRAVITY * shape.depth / 2 < lid.joint.frictionloss
    # and so is the hardest push the expert needs: the friction over the shortest lever it pushes at
    assert lid.joint.frictionloss / (laptop.shape.scaled(low).depth / 2) < 20.0  # newtons


def test_every_start_angle_leaves_more_than_the_success_threshold_to_close_and_none_is_a_success():
    task = load_task("CloseLaptopLid")
    laptop = task.object("laptop")
    threshold = -task.success["joint_moved"]["by"]
    start_low, start_high = laptop.initial_joints["lid"]
    assert start_low - 0.0 > threshold + 0.05  # closing to the base (0) beats the threshold with margin
    assert start_high < laptop.shape.open_angle  # within the hinge's range
    assert start_low > math.pi / 2  # leaning back past upright: it does not fall shut by itself


def test_the_closed_lid_rests_on_the_base_frame_never_on_the_inlays():
    shape = load_task("CloseLaptopLid").object("laptop").shape.scaled(0.75)
    top = shape.base_height
    for name in ("keyboard", "trackpad"):
        (inlay,) = _part(shape, name).primitives
        assert top - shape.inlay < _box_top(inlay) <= top - 0.0003  # recessed, but visible
    (screen,) = _part(shape, "screen").primitives
    assert screen.pos[2] - screen.size[2] >= 0.0003  # the screen face sits inside the lid's inner face
    assert shape.lid_thickness > shape.inlay + shape.recess + 0.002  # and the lid's back stays solid behind it


def test_the_printed_laptop_hinge_assembles_without_interference_and_the_lid_swings_to_its_stop():
    shape = Laptop().scaled(0.75)
    parts = {p.name: p.solid for p in printable_object(shape).parts}
    assert {"body", "lid", "pin_1", "pin_2", "keyboard", "trackpad", "screen"} <= set(parts)
    for a, b in (("body", "lid"), ("body", "pin_1"), ("lid", "pin_2"), ("body", "keyboard"), ("lid", "screen")):
        assert (parts[a] ^ parts[b]).volume() < 1e-6, f"{a} and {b} overlap"
    axis = np.array([shape.depth / 2, 0.0, shape.base_height]) * 1000
    for angle in np.linspace(0.0, shape.open_angle, 8):
        turned = parts["lid"].translate(tuple(-axis)).rotate((0.0, math.degrees(angle), 0.0)).translate(tuple(axis))
        assert (turned ^ parts["body"]).volume() < 1e-6, f"lid hits the base at {angle:.2f} rad"


# --- TurnOvenOn ---


def _skill_clearance() -> float:
    """How far the expert opens the fingers either side of a fin (policies/skills/knobs.py)."""
    return inspect.signature(turn_knob).parameters["clearance"].default


def _sizes():
    task = load_task("TurnOvenOn")
    knobs, oven = task.object("knobs"), task.object("oven")
    return task, knobs, oven, task.size_range(knobs), task.size_range(oven)


def test_the_knobs_turn_on_limited_damped_vertical_pivots_past_the_success_angle():
    task, knobs, _, _, _ = _sizes()
    threshold = task.success["joint_moved"]["by"]
    for name in KNOBS:
        joint = _part(knobs.shape, f"knob_{name}").joint
        assert joint is not None and joint.kind == "hinge" and joint.axis == (0.0, 0.0, 1.0)
        assert joint.range[0] == 0.0 and threshold + 0.3 < joint.range[1] < 2 * math.pi - 1
        assert joint.damping > 0 and joint.frictionloss > 0  # stiction: a knob stays where it is left
    assert set(task.variants["knob"]) == set(KNOBS)


def test_the_fin_can_be_pinched_at_the_smallest_and_largest_knob():
    _, knobs, _, (low, high), _ = _sizes()
    clearance = _skill_clearance()
    small, large = knobs.shape.scaled(low), knobs.shape.scaled(high)
    assert large.fin_thickness + 2 * clearance < MAX_GRIPPER_GAP - 0.03  # far inside the 80 mm opening
    assert small.fin_thickness >= 0.003  # something to squeeze
    # the fingertips stop 2 mm above the skirt: the pads still hold at least 7 mm of the smallest fin's height
    assert small.fin_height - 0.002 >= 0.007
    # a fin longer than the skirt would overhang it; the pads (19 mm wide) bear on its whole length or its ends
    for shape in (small, large):
        assert shape.fin_length <= 2 * shape.knob_radius


def test_turning_a_knob_the_pads_sweep_clear_of_the_neighbouring_fins():
    _, knobs, _, (low, high), _ = _sizes()
    clearance = _skill_clearance()
    for scale in (low, high):
        shape = knobs.shape.scaled(scale)
        gap = shape.fin_thickness + 2 * clearance
        sweep = math.hypot(gap / 2 + PAD_THICKNESS, PAD_HALF_WIDTH)  # the pads' outer corners round the knob's axis
        nearest = shape.spacing - shape.fin_thickness / 2  # a neighbour's fin (along x, at rest) from this axis
        assert sweep < nearest - 0.002, f"scale {scale}: pads sweep {sweep * 1000:.1f} mm, fin at {nearest * 1000:.1f}"


def test_the_knob_strip_stays_on_the_oven_top_at_every_pair_of_sizes():
    _, knobs, oven, (k_low, k_high), (o_low, o_high) = _sizes()
    assert knobs.home is not None and knobs.home.object == "oven" and not knobs.shape.free
    for k_scale in (k_low, k_high):
        for o_scale in (o_low, o_high):
            strip, body = knobs.shape.scaled(k_scale), oven.shape.scaled(o_scale)
            assert isinstance(strip, OvenKnobs) and isinstance(body, Oven)
            site_x = body.parts()[0].sites[knobs.home.site][0]
            front = site_x - strip.strip_depth / 2
            assert front >= -body.depth / 2 - 1e-6, f"strip overhangs the front at {k_scale}/{o_scale}"
            assert strip.strip_length() <= body.width
            burners = _part(body, "burners").primitives
            burner_front = min(p.pos[0] - p.size[0] for p in burners)
            assert site_x + strip.strip_depth / 2 < burner_front - 0.005


def test_left_is_the_robots_left_and_the_ovens_own():
    _, knobs, oven, _, _ = _sizes()
    assert knobs.shape.knob_y("left") > 0 > knobs.shape.knob_y("right")  # +y of the oven frame
    low, high = oven.spawn.yaw
    assert -0.5 < low <= high < 0.5  # the oven faces the robot (its front is -x): its +y is the robot's left


def test_the_printed_knobs_turn_on_pegs_without_interference():
    shape = OvenKnobs().scaled(0.5)
    parts = {p.name: p.solid for p in printable_object(shape).parts}
    for name in KNOBS:
        assert (parts["body"] ^ parts[f"knob_{name}"]).volume() < 1e-6, f"{name} knob overlaps its peg"
        y = shape.knob_y(name) * 1000
        turned = parts[f"knob_{name}"].translate((0.0, -y, 0.0)).rotate((0.0, 0.0, 97.0)).translate((0.0, y, 0.0))
        assert (turned ^ parts["body"]).volume() < 1e-6, f"{name} knob jams on its peg when turned"
