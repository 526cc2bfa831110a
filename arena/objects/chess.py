"""Parametric objects of the SetupChess task (registered with :func:`arena.objects.shapes.register_shape`)."""

from __future__ import annotations
