"""Skills that belong to one task, each module exporting ``SKILLS: dict[str, skill]``.

Generic skills (pick, place_at, push_to ...) live in :mod:`arena.policies.expert`; a skill that only one task
needs lives in that task's module here and is merged into the expert's table (MeatOnGrill and
PlaceWineAtRackLocation need none: their plans are the generic ``pick`` and ``place_at``).
"""

from __future__ import annotations

from collections.abc import Callable

from arena.policies.skills import basketball, chess, cups, fridge, hanger, knobs, pegs, rope, safe, scoop, tools, wipe

TASK_SKILLS: dict[str, Callable] = {}
for _module in (basketball, chess, cups, fridge, hanger, knobs, pegs, rope, safe, scoop, tools, wipe):
    TASK_SKILLS.update(_module.SKILLS)
