"""Expert skills only the MeatOnGrill task needs (none yet: its plan uses the generic skills)."""

from __future__ import annotations

from collections.abc import Callable

SKILLS: dict[str, Callable] = {}
