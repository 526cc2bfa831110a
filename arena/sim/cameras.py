"""The scene's cameras: three external ones on fixed rigs and the wrist camera on the hand (``panda.xml``)."""

from __future__ import annotations

from arena.spec.cameras import CAMERAS, EXTERNAL_CAMERAS

#: External cameras: position and look-at point (metres, robot base frame).
CAMERA_RIGS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "front": ((1.2, 0.0, 0.85), (0.45, 0.0, 0.18)),
    "left_shoulder": ((0.3, 0.75, 0.9), (0.5, 0.0, 0.12)),
    "right_shoulder": ((0.3, -0.75, 0.9), (0.5, 0.0, 0.12)),
}
CAMERA_FOVY = 50.0

if tuple(CAMERA_RIGS) != EXTERNAL_CAMERAS:  # pragma: no cover - developer error
    raise ImportError(f"camera rigs {tuple(CAMERA_RIGS)} out of step with EXTERNAL_CAMERAS {EXTERNAL_CAMERAS}")

__all__ = ["CAMERAS", "CAMERA_FOVY", "CAMERA_RIGS", "EXTERNAL_CAMERAS"]
