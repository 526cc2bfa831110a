"""Episode scheduling shared by the local and Ray backends: a queue in which an episode whose worker died is
retried once, then recorded as an error."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from arena.eval.protocol import EpisodeKey
from arena.eval.runner import error_record

#: How many times an episode is played again after its worker died.
RETRIES = 1


class RetryQueue:
    """Episodes waiting for a worker, each with the number of its attempt (0 for the first)."""

    def __init__(self, keys: Iterable[EpisodeKey]) -> None:
        self._pending: deque[tuple[EpisodeKey, int]] = deque((key, 0) for key in keys)

    def __bool__(self) -> bool:
        return bool(self._pending)

    def __len__(self) -> int:
        return len(self._pending)

    def pop(self) -> tuple[EpisodeKey, int]:
        """The next episode to play and its attempt number."""
        return self._pending.popleft()

    def worker_lost(
        self, key: EpisodeKey, attempt: int, cause: str, detail: str, duration: float
    ) -> dict[str, Any] | None:
        """The episode's worker died (``cause``, e.g. "worker process died"; ``detail``, e.g. its exit code):
        queue the episode again first, or return its error record once it has had its retry."""
        if attempt < RETRIES:
            self._pending.appendleft((key, attempt + 1))
            return None
        return error_record(key, f"{cause} twice ({detail})", duration)
