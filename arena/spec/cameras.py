"""Names of the scene's cameras (their rigs live in :mod:`arena.sim.cameras`)."""

from __future__ import annotations

#: External cameras on fixed rigs around the table, moved by the CameraPose axis.
EXTERNAL_CAMERAS: tuple[str, ...] = ("front", "left_shoulder", "right_shoulder")
#: Every camera a policy may ask for: the external ones and the wrist camera on the hand.
CAMERAS: tuple[str, ...] = (*EXTERNAL_CAMERAS, "wrist")
