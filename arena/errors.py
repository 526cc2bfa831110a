"""Exception hierarchy: every error Arena raises on purpose descends from :class:`ArenaError`."""

from __future__ import annotations


class ArenaError(Exception):
    """Root of Arena's errors."""


class TaskSpecError(ArenaError, ValueError):
    """A task YAML file is malformed: the message names the file, the field and what is allowed."""


class UnknownNameError(ArenaError, KeyError):
    """A task, axis, policy, camera or object name that does not exist; the message lists valid names."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else ""


class EpisodeConfigError(ArenaError, ValueError):
    """An EpisodeConfig that cannot be replayed (wrong task, bad field, unknown object)."""


class ActionError(ArenaError, ValueError):
    """An action with the wrong shape or non-finite values."""


class AxisNotApplicableError(ArenaError, ValueError):
    """The axis targets a role (MO or RO) the task does not have; the message lists the applicable axes."""


class PolicyError(ArenaError, ValueError):
    """A policy used with an env it cannot act in (wrong control mode, missing observations)."""


class ShapeError(ArenaError, ValueError):
    """A malformed parametric shape or primitive (unknown kind, wrong number of size values)."""
