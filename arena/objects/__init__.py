"""Parametric, printable task objects."""

from arena.objects.primitives import Joint, Part, Primitive
from arena.objects.shapes import SHAPES, Block, Cabinet, HingedBox, Shape, TargetPad, make_shape

__all__ = ["SHAPES", "Block", "Cabinet", "HingedBox", "Joint", "Part", "Primitive", "Shape", "TargetPad", "make_shape"]
