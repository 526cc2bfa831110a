"""PutMoneyInSafe's safe and bank notes, MoveHanger's rack and coat hanger: the fits hold at every size the size
axes draw, the joints are real, and the safe's printed hinge assembles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arena.objects.hanger import CoatHanger, HangerRack
from arena.objects.safe import SHELVES, BankNotes, Safe
from arena.printing import printable_object
from arena.robot.panda import MAX_GRIPPER_GAP
from arena.spec import sample_episode
from arena.spec.task import load_task


def _extremes(task_name: str, mo: str, ro: str) -> tuple[tuple[float, float], tuple[float, float]]:
    task = load_task(task_name)
    return task.size_range(task.object(mo)), task.size_range(task.object(ro))


def _shape(task_name: str, name: str):
    return load_task(task_name).object(name).shape


# --- PutMoneyInSafe ---


def test_the_bundle_fits_every_compartment_at_the_worst_sizes_with_a_few_millimetres_of_play():
    (mo_low, mo_high), (ro_low, ro_high) = _extremes("PutMoneyInSafe", "notes", "safe")
    notes, safe = _shape("PutMoneyInSafe", "notes"), _shape("PutMoneyInSafe", "safe")
    assert isinstance(notes, BankNotes) and isinstance(safe, Safe)
    nominal = safe.compartment - notes.thickness
    worst = safe.scaled(ro_low).compartment - notes.scaled(mo_high).thickness
    assert 0.004 <= nominal <= 0.01  # a few millimetres at nominal size
    assert worst >= 0.005
    assert notes.scaled(mo_high).width < safe.scaled(ro_low).inner_width()
    # the bundle, pushed in as far as the hand allows (its end about 3 cm outside), never reaches the back wall
    assert notes.scaled(mo_high).length - 0.03 < safe.scaled(ro_low).inner_depth()
    # and it can be pinched across its width at its largest
    assert notes.scaled(mo_high).width < MAX_GRIPPER_GAP - 0.01


def test_the_shortest_bundle_rests_on_the_shelf_when_let_go_from_outside_the_safe():
    """The hand reaches 3.2 cm (plus the hinge barrel) ahead of the fingers and stays outside; the bundle's centre
    must be over the shelf when it is let go."""
    (mo_low, _), _ = _extremes("PutMoneyInSafe", "notes", "safe")
    notes = _shape("PutMoneyInSafe", "notes").scaled(mo_low)
    hand_reach = 0.042  # policies/skills/safe.py
    centre_inside = notes.length / 2 - notes.grip - hand_reach
    assert centre_inside > 0.005


def test_the_safe_door_turns_on_a_limited_damped_hinge_and_starts_out_of_the_way():
    task = load_task("PutMoneyInSafe")
    safe = task.object("safe")
    door = next(p for p in safe.shape.parts() if p.name == "door")
    assert door.joint is not None and door.joint.kind == "hinge"
    assert door.joint.axis == (0.0, 0.0, 1.0)
    assert door.joint.range == (0.0, pytest.approx(math.pi))
    assert door.joint.damping > 0
    low, high = safe.initial_joints["door"]
    assert low >= 3.0 and high <= door.joint.range[1]  # swung flat beside the safe, behind its front plane


def test_the_compartment_sites_are_stacked_bottom_to_top_and_the_band_is_an_accent():
    safe = Safe()
    floors = [safe.parts()[0].sites[f"shelf_{name}"][2] for name in SHELVES]
    assert floors == sorted(floors) and np.all(np.diff(floors) == pytest.approx(safe.compartment + safe.shelf))
    band = BankNotes().parts()[1]
    assert band.color == "white" and band.parent == "body" and band.joint is None


def test_the_printed_safe_hinge_assembles_without_interference():
    printed = {part.name: part.solid for part in printable_object(Safe()).parts}
    assert set(printed) == {"body", "door", "dial", "pin"}
    for first, second in (("body", "door"), ("body", "pin"), ("door", "pin")):
        overlap = (printed[first] ^ printed[second]).volume()
        assert overlap < 1.0, f"{first} and {second} overlap by {overlap:.2f} mm^3"
    # the pin fills the knuckles' bore: it is as long as the safe is tall
    (_, _, z0), (_, _, z1) = (
        np.asarray(printed["pin"].bounding_box()[:3]),
        np.asarray(printed["pin"].bounding_box()[3:]),
    )
    assert z1 - z0 == pytest.approx(Safe().height * 1000, abs=0.01)


# --- MoveHanger ---


def test_the_hook_slides_over_the_pole_at_the_worst_sizes_with_a_few_millimetres_of_play():
    (mo_low, mo_high), (ro_low, ro_high) = _extremes("MoveHanger", "hanger", "rack")
    hanger, rack = _shape("MoveHanger", "hanger"), _shape("MoveHanger", "rack")
    assert isinstance(hanger, CoatHanger) and isinstance(rack, HangerRack)
    nominal = hanger.hook_radius - rack.pole_radius
    worst = hanger.scaled(mo_low).hook_radius - rack.scaled(ro_high).pole_radius
    assert 0.002 <= nominal <= 0.006
    assert worst >= 0.002
    # the hook, pinched across, fits between the open fingers at its largest
    assert 2 * (hanger.scaled(mo_high).hook_radius + hanger.scaled(mo_high).wire) < MAX_GRIPPER_GAP - 0.02


def test_a_hanging_hanger_clears_the_table_and_the_other_pole_at_the_worst_sizes():
    (_, mo_high), (ro_low, _) = _extremes("MoveHanger", "hanger", "rack")
    hanger, rack = _shape("MoveHanger", "hanger").scaled(mo_high), _shape("MoveHanger", "rack").scaled(ro_low)
    lowest = rack.height + rack.pole_radius - (hanger.neck + hanger.drop + hanger.wire / 2)
    assert lowest > 0.05
    assert rack.spacing > hanger.width / 2 + 0.02  # the shoulder never reaches under the other pole


def test_the_hanger_starts_with_its_hook_on_the_right_pole():
    task = load_task("MoveHanger")
    for seed in range(5):
        config = sample_episode(task, "All", seed)
        poses = config.object_poses
        scale = config.perturbations["ReceiverSize"]["rack"]
        rack = task.object("rack").shape.scaled(scale)
        x, y, z, *quat = poses["rack"]
        yaw = 2 * math.atan2(quat[3], quat[0])
        site = np.asarray(rack.parts()[0].sites["hang_right"])
        expected = np.array(
            [
                x + math.cos(yaw) * site[0] - math.sin(yaw) * site[1],
                y + math.sin(yaw) * site[0] + math.cos(yaw) * site[1],
                site[2],
            ]
        )
        np.testing.assert_allclose(poses["hanger"][:3], expected, atol=1e-9)
        assert z == 0.0 and poses["hanger"][2] == pytest.approx(rack.height + rack.pole_radius)
