"""Results files: one JSON object per finished episode, appended and fsynced, safe to resume."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from arena.errors import ArenaError
from arena.protocol import EpisodeKey

RESULT_FIELDS = (
    "protocol",
    "task",
    "axis",
    "episode",
    "seed",
    "config_hash",
    "episode_config",
    "policy",
    "policy_metadata",
    "success",
    "steps",
    "duration_s",
    "error",
)


def result_key(record: dict[str, Any]) -> EpisodeKey:
    """The unique key of a result record."""
    return EpisodeKey(record["task"], record["axis"], int(record["episode"]), record["policy"])


def read_results(path: str | Path) -> list[dict[str, Any]]:
    """Every complete record of a results file; a truncated last line is dropped with a warning."""
    path = Path(path)
    if not path.exists():
        return []
    records = []
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if number == len(lines):
                warnings.warn(f"{path}: dropping truncated last line {number} (interrupted write)", stacklevel=2)
                continue
            raise ArenaError(f"{path}: line {number} is not valid JSON; the file is corrupt") from None
    return records


class ResultsWriter:
    """Appends records to a JSONL file, one flushed and fsynced line each; knows which keys are done."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        records = read_results(self.path)
        self._rewrite_if_truncated(records)
        self.records = records
        self.done: set[EpisodeKey] = {result_key(r) for r in records}

    def _rewrite_if_truncated(self, records: list[dict[str, Any]]) -> None:
        if self.path.exists() and self.path.read_bytes() and not self.path.read_bytes().endswith(b"\n"):
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
            os.replace(tmp, self.path)

    def write(self, record: dict[str, Any]) -> None:
        """Append one record (durable when this returns)."""
        key = result_key(record)
        if key in self.done:
            raise ArenaError(f"duplicate result for {key}")
        with self.path.open("a") as handle:
            handle.write(json.dumps(record, sort_keys=True, allow_nan=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.done.add(key)

    def pending(self, keys: Iterable[EpisodeKey]) -> list[EpisodeKey]:
        """The keys not yet in the file."""
        return [key for key in keys if key not in self.done]
