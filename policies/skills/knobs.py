"""Expert skills of the knobs tasks."""

from __future__ import annotations

from collections.abc import Callable

SKILLS: dict[str, Callable] = {}
