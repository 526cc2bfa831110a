"""Parametric objects of the MoveHanger task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations
