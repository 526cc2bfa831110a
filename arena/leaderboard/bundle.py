"""``arena submit``: a results file plus who and what into a checked, reproducible submission bundle."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from arena.eval.results import read_results
from arena.leaderboard.archive import CHECKSUMS_FILE, RESULTS_FILE, SUBMISSION_FILE, write_bundle
from arena.leaderboard.checksums import checksums_text
from arena.leaderboard.manifest import make_manifest
from arena.leaderboard.problems import LeaderboardError
from arena.leaderboard.validator import checked_bundle
from arena.spec.axis_names import AXIS_NAMES
from arena.spec.task import task_names


def choose_policy(records: list[dict[str, Any]], policy: str | None) -> str:
    """The one policy a submission is of: ``policy`` if given, else the only policy in the records."""
    found = sorted({r["policy"] for r in records})
    if policy is not None:
        if policy not in found:
            raise LeaderboardError(f"no records of policy {policy!r}; the results hold {', '.join(found) or 'none'}")
        return policy
    if len(found) != 1:
        raise LeaderboardError(f"the results hold several policies ({', '.join(found)}); choose one with --policy")
    return found[0]


def results_bytes(records: list[dict[str, Any]]) -> bytes:
    """Records as canonical JSON lines in grid order (task, axis, episode): the same records, the same bytes."""
    tasks, axes = {t: i for i, t in enumerate(task_names())}, {a: i for i, a in enumerate(AXIS_NAMES)}
    ordered = sorted(
        records, key=lambda r: (tasks.get(r["task"], len(tasks)), r["task"], axes.get(r["axis"], 99), r["episode"])
    )
    return "".join(json.dumps(r, sort_keys=True, allow_nan=False) + "\n" for r in ordered).encode()


def bundle_bytes(manifest: dict[str, Any], records: list[dict[str, Any]]) -> bytes:
    """The zip of ``submission.json``, ``results.jsonl`` and their ``SHA256SUMS`` (not validated)."""
    members = {
        SUBMISSION_FILE: (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode(),
        RESULTS_FILE: results_bytes(records),
    }
    members[CHECKSUMS_FILE] = checksums_text(members)
    return write_bundle(members)


def build_submission(
    results: str | Path,
    *,
    name: str,
    team: str,
    policy_card: dict[str, Any],
    policy: str | None = None,
    partial: bool = False,
    paper: str | None = None,
    code: str | None = None,
    checkpoint: str | None = None,
) -> bytes:
    """A validated bundle of one policy's records from a results file or ``arena eval`` folder.

    Args:
        results: A results ``.jsonl`` file or the folder ``arena eval --out`` wrote.
        policy: Which policy's records to submit (needed when the file holds several).
        partial: Declare a partial track over the tasks the records cover (else the full track: every task).

    Raises:
        InvalidSubmissionError: The bundle breaks validation rules (all are listed); nothing is written.
    """
    records = read_results(results)
    if not records:
        raise LeaderboardError(f"{results} holds no result records; run arena eval first")
    chosen = choose_policy(records, policy)
    records = [r for r in records if r["policy"] == chosen]
    tasks = sorted({r["task"] for r in records}) if partial else None
    manifest = make_manifest(
        name=name, team=team, policy=chosen, policy_card=policy_card, tasks=tasks, paper=paper, code=code,
        checkpoint=checkpoint,
    )  # fmt: skip
    data = bundle_bytes(manifest, records)
    checked_bundle(data)
    return data


def write_submission(data: bytes, output: str | Path) -> Path:
    """Write bundle bytes atomically (a reader never sees half a bundle)."""
    output = Path(output)
    temporary = output.with_name(f".{output.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, output)
    return output
