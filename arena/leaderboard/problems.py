"""What the validator reports: one :class:`Problem` per broken rule, naming the file, the record and the rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from arena.errors import ArenaError

#: Every rule the validator enforces, by name (the ``rule`` of a :class:`Problem`), with what it asks.
RULES: dict[str, str] = {
    "bundle-file": "the bundle is a readable .zip file no larger than the compressed size limit",
    "archive": "the bundle is a well-formed, unencrypted zip archive",
    "member-name": "member names are plain relative names: no absolute paths, no '..', no backslashes",
    "member-type": "members are regular files: no symbolic links, folders or devices",
    "member-unexpected": "the bundle holds only submission.json, results.jsonl and SHA256SUMS",
    "member-missing": "the bundle holds submission.json, results.jsonl and SHA256SUMS",
    "member-duplicate": "each member name appears once",
    "member-size": "each member and the whole bundle stay within the uncompressed size limits",
    "compression-ratio": "no member expands more than the compression-ratio limit (zip bombs)",
    "compression-method": "members are stored or deflated",
    "nested-archive": "no member is itself an archive or compressed file (by name or by magic bytes)",
    "checksum": "SHA256SUMS lists the SHA-256 of every other member, and each matches",
    "json": "submission.json and every line of results.jsonl are UTF-8 JSON without NaN or Infinity",
    "submission-schema": "submission.json matches the submission schema",
    "protocol-version": "submission and records follow the protocol version this Arena derives episodes from",
    "record-size": "each results line stays within the record size limit",
    "record-schema": "each record matches the result schema shared with the harness",
    "policy": "every record is of the one policy submission.json names",
    "task": "records are of the tasks the submission's track covers",
    "axis": "records are of axes that apply to their task",
    "episode-index": "episode indices are within the protocol's episodes per cell",
    "seed": "each record's seed is the one the protocol derives for its task, axis and episode",
    "episode-config": "each record's episode_config is the one the protocol samples from its seed",
    "config-hash": "each record's config_hash is the hash of the protocol's episode_config",
    "unplayed-episode": "an episode without a config is an error record that did not succeed",
    "steps": "step counts are within the task's step limit",
    "duplicate-episode": "each (task, axis, episode) appears once",
    "grid": "every applicable task x axis cell of the track holds every protocol episode",
}


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``file`` (a bundle member, or the bundle), ``record`` (where inside it), ``rule``."""

    file: str
    rule: str
    message: str
    record: str | None = None

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown validation rule {self.rule!r}; rules: {', '.join(RULES)}")

    def __str__(self) -> str:
        where = f"{self.file}, {self.record}" if self.record else self.file
        return f"{where}: [{self.rule}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (for ``--json``)."""
        return asdict(self)


class LeaderboardError(ArenaError, ValueError):
    """A leaderboard command that cannot go on (a missing folder, a clash of submission names)."""


class InvalidSubmissionError(LeaderboardError):
    """A bundle that breaks validation rules; ``problems`` lists every one."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        listed = "; ".join(str(p) for p in self.problems[:20])
        more = f"; and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{source} is not a valid submission ({len(self.problems)} problem(s)): {listed}{more}")
