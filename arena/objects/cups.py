"""Parametric objects of the StackCups task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations
