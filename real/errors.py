"""Errors of the real-robot bridge."""

from __future__ import annotations

from arena.errors import ArenaError


class RealError(ArenaError):
    """Root of the bridge's errors."""


class RobotConfigError(RealError, ValueError):
    """A ``robot.yaml`` that cannot be used: the message names the file, the field and what is accepted."""


class RosUnavailableError(RealError, ImportError):
    """rclpy (the ``ros`` extra) is not installed or does not load."""


class SafetyError(RealError, RuntimeError):
    """A command refused by the safety layer (sent before the operator confirmed, or after an e-stop)."""


class CalibrationError(RealError, ValueError):
    """The camera pose cannot be estimated (too few markers seen, a bad image)."""


class CorrelationError(RealError, ValueError):
    """Sim and real results that cannot be compared (no common cells, too few points)."""
