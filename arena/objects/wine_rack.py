"""Parametric objects of the PlaceWineAtRackLocation task (registered with ``register_shape``)."""

from __future__ import annotations
