"""The result-record schema: one declared JSON Schema that the writer, the reader, the report and the leaderboard
validator share. Pure data plus ``jsonschema``; importing it loads no simulator.

A record is one JSON object per episode (one line of ``results.jsonl``). :func:`make_record` builds records from
the schema's defaults, :func:`validate_record` checks one against the schema and names the field and the rule.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from arena.errors import ArenaError

SCHEMA_VERSION = 1
_HASH = {"type": "string", "pattern": "^[0-9a-f]{16}$"}

#: JSON Schema (draft 2020-12) of one result record.
RESULT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://arena-bench.org/schemas/result-record-v1.json",
    "title": "Arena result record",
    "description": "One evaluated episode: which protocol episode it was, what the policy did, how it ended.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "protocol": {"type": "string", "description": "Protocol version the episode's seed derives from."},
        "task": {"type": "string", "description": "Task name."},
        "axis": {"type": "string", "description": "Perturbation axis (None, one of the 14 axes, All)."},
        "episode": {"type": "integer", "minimum": 0, "description": "Episode index within its (task, axis) cell."},
        "seed": {"type": "integer", "minimum": 0, "description": "Episode seed, a hash of the four fields above."},
        "config_hash": {"oneOf": [_HASH, {"type": "null"}], "description": "Content hash of the EpisodeConfig."},
        "episode_config": {"type": ["object", "null"], "description": "The full EpisodeConfig (null if unplayed)."},
        "policy": {"type": "string", "minLength": 1, "description": "Policy name as given to arena eval."},
        "policy_metadata": {"type": "object", "description": "What the policy says of itself."},
        "success": {"type": "boolean"},
        "steps": {"type": "integer", "minimum": 0, "description": "Policy steps taken."},
        "duration_s": {"type": "number", "minimum": 0, "description": "Wall-clock seconds of the episode."},
        "error": {"type": ["string", "null"], "description": "Why the episode failed abnormally, if it did."},
        "video": {"type": ["string", "null"], "description": "Video path relative to the results folder."},
        "video_replayed": {"type": "boolean", "description": "The video was filmed by replaying the episode."},
        "source": {
            "enum": ["sim", "real"],
            "description": "Where the episode was played (optional; absent means sim): arena eval or arena real run.",
        },
    },
    "required": [
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
        "video",
        "video_replayed",
    ],  # fmt: skip
}
#: Field names in schema order (every required field).
RESULT_FIELDS: tuple[str, ...] = tuple(RESULT_SCHEMA["required"])
#: Optional fields: written only when given, so records written before they existed stay valid.
OPTIONAL_FIELDS: tuple[str, ...] = tuple(p for p in RESULT_SCHEMA["properties"] if p not in RESULT_FIELDS)
#: What a record holds before its outcome is known.
_DEFAULTS: dict[str, Any] = {
    "config_hash": None, "episode_config": None, "policy_metadata": {}, "success": False, "steps": 0,
    "duration_s": 0.0, "error": None, "video": None, "video_replayed": False,
}  # fmt: skip


class ResultSchemaError(ArenaError, ValueError):
    """A result record that does not match :data:`RESULT_SCHEMA`."""


@cache
def _validator() -> Any:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(RESULT_SCHEMA)
    return jsonschema.Draft202012Validator(RESULT_SCHEMA)


def record_problems(record: Any) -> list[str]:
    """Every way ``record`` breaks the schema, each naming the field and the rule (empty when valid)."""
    problems = []
    for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.path)):
        where = ".".join(str(part) for part in error.path) or "<record>"
        problems.append(f"{where}: {error.message}")
    return problems


def validate_record(record: Any, where: str = "result record") -> dict[str, Any]:
    """Return ``record`` if it matches the schema, else raise :class:`ResultSchemaError` naming what is wrong."""
    problems = record_problems(record)
    if problems:
        raise ResultSchemaError(f"{where} does not match the result schema: {'; '.join(problems)}")
    return record


def make_record(**fields: Any) -> dict[str, Any]:
    """A valid record from the given fields and the schema's defaults; unknown or missing fields are refused."""
    unknown = set(fields) - set(RESULT_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        raise ResultSchemaError(
            f"unknown result field(s) {sorted(unknown)}; fields: {', '.join(RESULT_FIELDS + OPTIONAL_FIELDS)}"
        )
    record = {name: fields.get(name, _DEFAULTS.get(name)) for name in RESULT_FIELDS}
    record.update({name: fields[name] for name in OPTIONAL_FIELDS if name in fields})
    return validate_record(record)
