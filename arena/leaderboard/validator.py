"""``arena leaderboard validate``: everything a maintainer must know about a bundle without running anything in it.

The bundle is read in memory (:mod:`arena.leaderboard.archive`), its checksums checked, ``submission.json`` and every
result record validated against their schemas, and every record against the protocol grid it declares
(:mod:`arena.leaderboard.grid`). Only JSON is parsed: nothing is unpickled, evaluated or imported from a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arena.leaderboard.archive import RESULTS_FILE, SUBMISSION_FILE, bundle_file_bytes, read_bundle
from arena.leaderboard.checksums import checksum_problems, sha256_hex
from arena.leaderboard.grid import RecordChecker, grid_cells, parse_json
from arena.leaderboard.manifest import manifest_problems, track_id, track_tasks
from arena.leaderboard.problems import InvalidSubmissionError, Problem
from arena.spec.task import task_names


@dataclass
class Validation:
    """The outcome of validating one bundle: its problems and, when readable, its manifest and records."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    bundle_sha256: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for ``--json``: the verdict, every problem, and what the bundle declares."""
        manifest = self.manifest if isinstance(self.manifest, dict) else {}
        tasks = track_tasks(manifest) if self.valid else []
        return {
            "bundle": self.source,
            "valid": self.valid,
            "problems": [p.to_dict() for p in self.problems],
            "name": manifest.get("name"),
            "policy": manifest.get("policy"),
            "track": track_id(manifest) if self.valid else None,
            "records": len(self.records),
            "cells": len(grid_cells(tasks)),
            "bundle_sha256": self.bundle_sha256,
        }


def validate_bundle(source: str | Path | bytes) -> Validation:
    """Validate a submission bundle (a path or its bytes), collecting every problem; never raises on bad input."""
    if isinstance(source, bytes):
        label, data, problems = "<bytes>", source, []
    else:
        label = str(source)
        data, problems = bundle_file_bytes(source)
    result = Validation(label, problems)
    if data is None:
        return result
    result.bundle_sha256 = sha256_hex(data)
    members, found = read_bundle(data)
    problems += found
    if SUBMISSION_FILE not in members or RESULTS_FILE not in members:
        return result
    problems += checksum_problems(members)
    manifest, manifest_ok = _manifest(members[SUBMISSION_FILE], problems)
    result.manifest = manifest
    tasks = track_tasks(manifest) if manifest_ok else list(task_names())
    checker = RecordChecker(tasks, manifest["policy"] if manifest_ok else None)
    for number, line in enumerate(members[RESULTS_FILE].split(b"\n"), start=1):
        if not line.strip():
            continue
        record, found = checker.check_line(number, line)
        problems += found
        if record is not None:
            result.records.append(record)
    if manifest_ok:  # without a valid track there is no grid to complete
        problems += checker.missing()
    return result


def _manifest(data: bytes, problems: list[Problem]) -> tuple[Any, bool]:
    """The parsed ``submission.json`` and whether it is valid; its problems are added to ``problems``."""
    try:
        manifest = parse_json(data)
    except (ValueError, UnicodeDecodeError) as error:
        problems.append(Problem(SUBMISSION_FILE, "json", f"not JSON ({error})"))
        return None, False
    found = manifest_problems(manifest)
    problems += found
    return manifest, not found


def checked_bundle(source: str | Path | bytes) -> Validation:
    """A valid bundle's validation, or :class:`InvalidSubmissionError` listing every problem."""
    result = validate_bundle(source)
    if not result.valid:
        raise InvalidSubmissionError(result.source, result.problems)
    return result
