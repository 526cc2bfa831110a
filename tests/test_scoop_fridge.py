"""Key geometric properties of the ScoopWithSpatula and GetIceFromFridge objects (fast, no simulation)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arena.objects.fridge import Fridge, Mug
from arena.objects.primitives import Primitive, wedge_vertices
from arena.objects.spatula import Spatula
from arena.robot.panda import MAX_GRIPPER_GAP
from arena.spec.task import load_task


def test_wedge_is_half_its_box_with_a_knife_edge_at_the_bottom_front():
    size = (0.006, 0.035, 0.0015)
    corners = wedge_vertices(size)
    assert corners.shape == (6, 3)
    front = corners[corners[:, 0] > 0]
    assert np.allclose(front[:, 2], -size[2])  # the edge lies in the bottom face
    assert Primitive("wedge", size).volume() == pytest.approx(4 * np.prod(size))


@pytest.mark.parametrize("scale", [0.75, 1.0, 1.25])
def test_spatula_bevel_is_a_ramp_the_cube_can_climb_and_the_handle_fits_the_gripper(scale):
    spatula = Spatula().scaled(scale)
    # quasi-static climb: table friction (cube 1.0 x Friction axis >= 0.75) > tan(bevel + atan(blade friction))
    assert math.tan(spatula.bevel_angle() + math.atan(spatula.blade_friction)) < 0.75 * 0.75
    assert spatula.handle_width < MAX_GRIPPER_GAP - 0.01
    blade = next(p for p in spatula.parts() if p.name == "blade")
    assert blade.friction == pytest.approx(0.15) and blade.parent == "handle" and blade.joint is None


def test_largest_cube_fits_on_the_smallest_spatulas_flat_blade():
    task = load_task("ScoopWithSpatula")
    cube = next(o for o in task.objects if o.name == "cube")
    spatula = next(o for o in task.objects if o.name == "spatula")
    lo_spatula = spatula.shape.scaled(task.size_range(spatula)[0])
    biggest = cube.shape.size_x * task.size_range(cube)[1]
    assert lo_spatula.blade_length - lo_spatula.bevel >= biggest
    assert lo_spatula.blade_width >= biggest


def test_fridge_lever_is_a_limited_damped_spring_loaded_hinge():
    lever = next(p for p in Fridge().parts() if p.name == "lever")
    joint = lever.joint
    assert joint is not None and joint.kind == "hinge"
    assert joint.range[0] == 0.0 and 0.0175 < joint.range[1] <= 0.5
    assert joint.damping > 0 and joint.stiffness > 0


@pytest.mark.parametrize(("cup_scale", "fridge_scale"), [(1.25, 0.75), (0.75, 1.0), (1.0, 1.0)])
def test_mug_fits_the_niche_under_the_spout_at_every_size_combination(cup_scale, fridge_scale):
    mug, fridge = Mug().scaled(cup_scale), Fridge().scaled(fridge_scale)
    assert 2 * mug.radius < fridge.niche_width - 0.02  # at least 1 cm each side
    # the mug (held 6 mm over the tray) passes under the spout
    assert mug.height + 0.006 < fridge.niche_height - fridge.spout_length
    # a mug pressing the lever stands within 2 cm of the spout (the success tolerance)
    center = fridge.lever_face_x() - mug.radius
    assert abs(center - fridge.spout_x()) < 0.02
    # the gripper pinches the handle bar across its width
    assert mug.handle_width < MAX_GRIPPER_GAP - 0.01
