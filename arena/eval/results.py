"""Results files: one JSON object per finished episode (schema :mod:`arena.eval.schema`), appended and fsynced,
safe to resume."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from arena.errors import ArenaError
from arena.eval.protocol import EpisodeKey
from arena.eval.schema import record_problems, validate_record

RESULTS_FILE = "results.jsonl"


class ResultsFileError(ArenaError, ValueError):
    """A results path that does not exist, is not a results file, or holds a malformed line."""


def result_key(record: dict[str, Any]) -> EpisodeKey:
    """The unique key of a result record."""
    return EpisodeKey(record["task"], record["axis"], int(record["episode"]), record["policy"])


def results_path(path: str | Path) -> Path:
    """The results file a user means: the file itself, or ``results.jsonl`` inside an evaluation folder."""
    path = Path(path)
    if path.is_dir():
        inside = path / RESULTS_FILE
        if not inside.is_file():
            raise ResultsFileError(
                f"{path} is a folder without {RESULTS_FILE}; give a results file or the folder arena eval --out wrote"
            )
        return inside
    if not path.exists():
        raise ResultsFileError(f"{path} does not exist; give a results .jsonl file or an arena eval --out folder")
    return path


def read_results(path: str | Path, missing_ok: bool = False) -> list[dict[str, Any]]:
    """Every record of a results file (or evaluation folder), each checked against the result schema.

    A truncated last line (an interrupted write) is dropped with a warning; any other malformed line raises
    :class:`ResultsFileError` naming the file, the line and what is wrong. ``missing_ok`` reads a missing file as
    empty (used when an evaluation starts).
    """
    path = Path(path)
    if missing_ok and not path.exists():
        return []
    path = results_path(path)
    records = []
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise ResultsFileError(f"{path} is not a text file of JSON lines") from None
    lines = text.splitlines()
    torn = not text.endswith("\n")  # only a last line without its newline is an interrupted write
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            if number == len(lines) and torn:
                warnings.warn(f"{path}: dropping truncated last line {number} (interrupted write)", stacklevel=2)
                continue
            raise ResultsFileError(f"{path}: line {number} is not valid JSON ({error.msg})") from None
        problems = record_problems(record)
        if problems:
            raise ResultsFileError(f"{path}: line {number} is not a result record: {'; '.join(problems)}")
        records.append(record)
    return records


class ResultsWriter:
    """Appends records to a JSONL file, one flushed and fsynced line each; knows which keys are done."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        records = read_results(self.path, missing_ok=True)
        self._rewrite_if_truncated(records)
        self.records = records
        self.done: set[EpisodeKey] = {result_key(r) for r in records}

    def _rewrite_if_truncated(self, records: list[dict[str, Any]]) -> None:
        if self.path.exists() and self.path.read_bytes() and not self.path.read_bytes().endswith(b"\n"):
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
            os.replace(tmp, self.path)

    def write(self, record: dict[str, Any]) -> None:
        """Append one record (durable when this returns); it must match the result schema."""
        validate_record(record)
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
