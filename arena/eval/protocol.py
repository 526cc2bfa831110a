"""The evaluation protocol: which episodes make up an evaluation, with seeds two labs can agree on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from arena.spec.episode import PROTOCOL_VERSION

#: Episodes per (task, axis) cell (THE COLOSSEUM uses 25 per test set).
EPISODES_PER_CELL = 25


def episode_seed(task: str, axis: str, index: int, protocol: str = PROTOCOL_VERSION) -> int:
    """Seed of episode ``index`` of a (task, axis) cell: a hash of the four values, in [0, 2**31)."""
    digest = hashlib.sha256(f"arena/{protocol}/{task}/{axis}/{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


@dataclass(frozen=True)
class EpisodeKey:
    """Identifies one episode of an evaluation; unique within a results file."""

    task: str
    axis: str
    index: int
    policy: str

    @property
    def seed(self) -> int:
        return episode_seed(self.task, self.axis, self.index)


def episode_grid(tasks: list[str], axes: list[str], episodes: int, policy: str) -> list[EpisodeKey]:
    """Every episode of a grid, task-major; a smaller grid is a subset of a larger one."""
    return [EpisodeKey(t, a, i, policy) for t in tasks for a in axes for i in range(episodes)]
