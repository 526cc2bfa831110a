"""Distractor toys: small printable objects stacked from sphere, cuboid, cylinder and ring primitives.

A toy is one rigid body in simulation and one printed piece, so its elements must overlap, not merely touch:
each stacked element sinks :data:`STACK_OVERLAP` into the one below (a sphere sinks :data:`SPHERE_SINK` of its
radius, since a ball touches a face at a single point), the ring's segments overlap at their joints, and nothing
is stacked on a ring (it would hover over the ring's hole). ``arena print-models`` checks that every printed toy
is one connected body.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from arena.errors import ShapeError
from arena.objects.primitives import PRIMITIVE_SIZES, Primitive

BASES = ("cuboid", "cylinder", "ring")
MIDDLES = ("cuboid", "cylinder")
TOPS = ("sphere", "cuboid", "cylinder")
RING_SEGMENTS = 10
#: How far (metres) a stacked cuboid or cylinder sinks into the element below it.
STACK_OVERLAP = 0.001
#: Fraction of its radius a stacked sphere sinks into the element below (contact disc of radius ~0.71 r).
SPHERE_SINK = 0.3


def _element(kind: str, rng: np.random.Generator, z: float) -> tuple[list[Primitive], float, float]:
    """Primitives of one element whose bottom is at height ``z``; returns them, their height and their radius."""
    if kind == "cuboid":
        half = rng.uniform([0.012, 0.012, 0.008], [0.028, 0.028, 0.02])
        return [Primitive("box", tuple(half), (0.0, 0.0, z + half[2]))], 2 * half[2], float(np.hypot(*half[:2]))
    if kind == "cylinder":
        radius, half_height = rng.uniform(0.012, 0.028), rng.uniform(0.008, 0.02)
        return [Primitive("cylinder", (radius, half_height), (0.0, 0.0, z + half_height))], 2 * half_height, radius
    if kind == "sphere":  # only ever on top; sinks SPHERE_SINK * radius (not STACK_OVERLAP) into the element below
        radius = rng.uniform(0.012, 0.022)
        centre = z + STACK_OVERLAP + (1.0 - SPHERE_SINK) * radius
        return [Primitive("sphere", (radius,), (0.0, 0.0, centre))], centre + radius - z, radius
    ring_radius, tube = rng.uniform(0.02, 0.032), rng.uniform(0.005, 0.008)  # ring lying flat
    segment = math.pi * ring_radius / RING_SEGMENTS * 1.15
    prims = []
    for k in range(RING_SEGMENTS):
        angle = 2 * math.pi * k / RING_SEGMENTS
        quat = (math.cos(angle / 2), 0.0, 0.0, math.sin(angle / 2))
        pos = (ring_radius * math.cos(angle), ring_radius * math.sin(angle), z + tube)
        prims.append(Primitive("box", (tube, segment, tube), pos, quat))
    return prims, 2 * tube, ring_radius + tube


def make_toy(rng: np.random.Generator) -> tuple[list[Primitive], float]:
    """A toy of one to three stacked elements, resting on z = 0; returns its primitives and footprint radius."""
    kinds = [BASES[int(rng.integers(len(BASES)))]]
    layers = int(rng.integers(1, 4))
    if layers == 3:
        kinds.append(MIDDLES[int(rng.integers(len(MIDDLES)))])
    if layers >= 2:
        kinds.append(TOPS[int(rng.integers(len(TOPS)))])
    if kinds[0] == "ring":
        kinds = kinds[:1]  # an element on a ring would hover over its hole, joined to nothing
    primitives: list[Primitive] = []
    z, radius = 0.0, 0.0
    for index, kind in enumerate(kinds):
        start = z - STACK_OVERLAP if index else z  # stacked elements overlap the one below: one connected solid
        prims, height, element_radius = _element(kind, rng, start)
        primitives += prims
        z = start + height
        radius = max(radius, element_radius)
    return primitives, radius


def draw_toy(rng: np.random.Generator, palette: Sequence[str]) -> tuple[list[Primitive], float, str]:
    """One toy and its colour, the colour drawn right after the shape from the same stream.

    The Distractors axis and the printed toy set both draw toys with this, so simulation and print agree.
    Returns the primitives, the footprint radius (metres) and a colour name out of ``palette``.
    """
    primitives, radius = make_toy(rng)
    return primitives, radius, palette[int(rng.integers(len(palette)))]


def primitives_to_json(primitives: Sequence[Primitive]) -> list[dict[str, Any]]:
    """Plain JSON form of primitives (stored in EpisodeConfig)."""
    return [
        {
            "kind": p.kind,
            "size": [float(v) for v in p.size],
            "pos": [float(v) for v in p.pos],
            "quat": [float(v) for v in p.quat],
        }
        for p in primitives
    ]


def primitives_from_json(raw: Sequence[dict[str, Any]]) -> tuple[Primitive, ...]:
    """Inverse of :func:`primitives_to_json`; raises :class:`~arena.errors.ShapeError` on a malformed entry."""
    primitives = []
    for p in raw:
        if p["kind"] not in PRIMITIVE_SIZES or len(p["size"]) != PRIMITIVE_SIZES[p["kind"]]:
            raise ShapeError(f"bad primitive {p!r}; kinds and size lengths: {PRIMITIVE_SIZES}")
        if len(p["pos"]) != 3 or len(p["quat"]) != 4:
            raise ShapeError(f"bad primitive {p!r}: pos needs 3 numbers, quat 4")
        primitives.append(Primitive(p["kind"], tuple(p["size"]), tuple(p["pos"]), tuple(p["quat"])))
    return tuple(primitives)
