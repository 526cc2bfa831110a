"""Parametric, printable task objects: the generic shapes, then one module per task family that registers its own."""

from arena.objects import (  # noqa: F401 - register shapes
    basketball,
    chess,
    cups,
    dirt,
    fridge,
    grill,
    hanger,
    laptop,
    oven,
    pegs,
    rope,
    safe,
    spatula,
    sticks,
    wine_rack,
)
from arena.objects.primitives import Joint, Part, Primitive
from arena.objects.shapes import SHAPES, Block, Cabinet, HingedBox, Shape, TargetPad, make_shape, polygon_ring

__all__ = [
    "SHAPES",
    "Block",
    "Cabinet",
    "HingedBox",
    "Joint",
    "Part",
    "Primitive",
    "Shape",
    "TargetPad",
    "make_shape",
    "polygon_ring",
]
