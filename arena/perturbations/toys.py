"""Distractor toys: small printable objects stacked from sphere, cuboid, cylinder and ring primitives."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from arena.objects.primitives import Primitive

BASES = ("cuboid", "cylinder", "ring")
MIDDLES = ("cuboid", "cylinder")
TOPS = ("sphere", "cuboid", "cylinder")
RING_SEGMENTS = 10


def _element(kind: str, rng: np.random.Generator, z: float) -> tuple[list[Primitive], float, float]:
    """Primitives of one element resting at height ``z``; returns them, their height and their radius."""
    if kind == "cuboid":
        half = rng.uniform([0.012, 0.012, 0.008], [0.028, 0.028, 0.02])
        return [Primitive("box", tuple(half), (0.0, 0.0, z + half[2]))], 2 * half[2], float(np.hypot(*half[:2]))
    if kind == "cylinder":
        radius, half_height = rng.uniform(0.012, 0.028), rng.uniform(0.008, 0.02)
        return [Primitive("cylinder", (radius, half_height), (0.0, 0.0, z + half_height))], 2 * half_height, radius
    if kind == "sphere":
        radius = rng.uniform(0.012, 0.022)
        return [Primitive("sphere", (radius,), (0.0, 0.0, z + radius))], 2 * radius, radius
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
    primitives: list[Primitive] = []
    z, radius = 0.0, 0.0
    for kind in kinds:
        prims, height, element_radius = _element(kind, rng, z)
        primitives += prims
        z += height
        radius = max(radius, element_radius)
    return primitives, radius


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
    """Inverse of :func:`primitives_to_json`."""
    return tuple(Primitive(p["kind"], tuple(p["size"]), tuple(p["pos"]), tuple(p["quat"])) for p in raw)
