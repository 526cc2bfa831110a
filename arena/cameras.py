"""The scene's cameras: three external ones on fixed rigs and the wrist camera on the hand."""

from __future__ import annotations

#: External cameras: position and look-at point (metres). The wrist camera lives on the hand (panda.xml).
CAMERA_RIGS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "front": ((1.15, 0.0, 0.55), (0.42, 0.0, 0.06)),
    "left_shoulder": ((0.12, 0.55, 0.60), (0.55, 0.0, 0.02)),
    "right_shoulder": ((0.12, -0.55, 0.60), (0.55, 0.0, 0.02)),
}
CAMERAS: tuple[str, ...] = ("front", "left_shoulder", "right_shoulder", "wrist")
EXTERNAL_CAMERAS: tuple[str, ...] = tuple(CAMERA_RIGS)
CAMERA_FOVY = 50.0
