"""Parametric shapes: one geometry definition, scaled as a whole."""

from __future__ import annotations

import dataclasses

import pytest

from arena.errors import UnknownNameError
from arena.objects import SHAPES, Block, Cabinet, HingedBox, make_shape


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_every_shape_has_named_parts_with_positive_volume(kind):
    shape = SHAPES[kind]()
    parts = shape.parts()
    assert parts[0].parent is None
    assert len({p.name for p in parts}) == len(parts)
    names = {p.name for p in parts}
    for part in parts[1:]:
        assert part.parent in names
    assert all(part.volume() > 0 for part in parts)
    assert shape.footprint_radius() > 0


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_scaling_multiplies_every_length_and_volume_by_the_cube(kind):
    shape = SHAPES[kind]()
    scaled = shape.scaled(1.2)
    for field in dataclasses.fields(shape):
        original, new = getattr(shape, field.name), getattr(scaled, field.name)
        expected = original if field.name in shape.unscaled else original * 1.2
        assert new == pytest.approx(expected)
    volume = sum(p.volume() for p in shape.parts())
    assert sum(p.volume() for p in scaled.parts()) == pytest.approx(volume * 1.2**3)
    assert scaled.footprint_radius() == pytest.approx(shape.footprint_radius() * 1.2)


def test_block_sites_follow_its_size():
    block = Block(0.04, 0.06, 0.08)
    sites = block.parts()[0].sites
    assert sites["top"] == (0.0, 0.0, 0.08)
    assert sites["center"] == (0.0, 0.0, 0.04)


def test_cabinet_names_three_drawers_bottom_middle_top_with_slide_joints():
    cabinet = Cabinet()
    drawers = [p for p in cabinet.parts() if p.joint is not None]
    assert [p.name for p in drawers] == ["drawer_bottom", "drawer_middle", "drawer_top"]
    heights = [p.pos[2] for p in drawers]
    assert heights == sorted(heights)
    assert all(p.joint.kind == "slide" and p.joint.range[1] == pytest.approx(cabinet.drawer_travel()) for p in drawers)
    assert "handle_top" in drawers[-1].sites


def test_drawer_front_panel_clears_the_carcass_sides():
    cabinet = Cabinet()
    front = cabinet.parts()[1].primitives[0]
    inner_half_width = cabinet.width / 2 - cabinet.wall
    assert front.size[1] < inner_half_width


def test_hinged_box_lid_opens_upward_about_the_back_edge():
    box = HingedBox()
    lid = box.parts()[1]
    assert lid.joint.kind == "hinge" and lid.joint.range == (0.0, box.open_angle)
    assert lid.pos == (box.depth / 2, 0.0, box.height)


def test_make_shape_rejects_unknown_kinds_and_parameters():
    with pytest.raises(UnknownNameError, match="valid shapes: .*block, cabinet"):
        make_shape("sphere_thing", {})
    with pytest.raises(UnknownNameError, match="allowed"):
        make_shape("block", {"radius": 0.1})
