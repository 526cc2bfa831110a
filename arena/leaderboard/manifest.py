"""``submission.json``: who submits what, on which track, with which policy card; its JSON Schema and checks."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from arena.eval.schema import SCHEMA_VERSION as RESULT_SCHEMA_VERSION
from arena.leaderboard.archive import SUBMISSION_FILE
from arena.leaderboard.problems import Problem
from arena.spec.episode import PROTOCOL_VERSION
from arena.spec.task import task_names

MANIFEST_VERSION = 1
FULL_TRACK = "full"
PARTIAL_TRACK = "partial"
#: What a policy was trained on: texture split of its data (``none``: no textured data, e.g. a scripted policy).
TEXTURE_SPLITS = ("train", "test", "all", "none")
#: Submission names become file names on the site: short lower-case slugs.
NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
_URL = {
    "type": ["string", "null"],
    "pattern": r"^https?://[^\s<>\"'`]+$",
    "maxLength": 500,
    "description": "an http(s) URL",
}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}


@cache
def submission_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``submission.json``; task names come from the task registry."""
    tasks = {"type": "array", "items": {"enum": list(task_names())}, "uniqueItems": True}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://arena-bench.org/schemas/submission-v1.json",
        "title": "Arena leaderboard submission",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": MANIFEST_VERSION},
            "arena_version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+\S*$"},
            "protocol_version": {"type": "string", "minLength": 1},
            "result_schema_version": {"const": RESULT_SCHEMA_VERSION},
            "name": {
                "type": "string",
                "pattern": NAME_PATTERN,
                "description": "a name of lower-case letters, digits, '.', '_' and '-' (at most 64, starting with a "
                "letter or digit)",
            },
            "team": {**_TEXT, "maxLength": 200},
            "policy": {"type": "string", "minLength": 1, "maxLength": 500},
            "links": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"paper": _URL, "code": _URL, "checkpoint": _URL},
                "required": ["paper", "code", "checkpoint"],
            },
            "track": {
                "oneOf": [
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"kind": {"const": FULL_TRACK}},
                        "required": ["kind"],
                    },
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"kind": {"const": PARTIAL_TRACK}, "tasks": {**tasks, "minItems": 1}},
                        "required": ["kind", "tasks"],
                    },
                ]
            },
            "policy_card": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "architecture": _TEXT,
                    "parameters": {"type": ["integer", "null"], "minimum": 0},
                    "training_data": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "tasks": tasks,
                            "texture_split": {"enum": list(TEXTURE_SPLITS)},
                            "perturbed_data": {"type": "boolean"},
                            "description": {"type": "string", "maxLength": 2000},
                        },
                        "required": ["tasks", "texture_split", "perturbed_data"],
                    },
                    "compute": _TEXT,
                    "licence": {**_TEXT, "maxLength": 100},
                },
                "required": ["architecture", "parameters", "training_data", "compute", "licence"],
            },
        },
        "required": [
            "schema_version",
            "arena_version",
            "protocol_version",
            "result_schema_version",
            "name",
            "team",
            "policy",
            "links",
            "track",
            "policy_card",
        ],  # fmt: skip
    }


@cache
def _validator() -> Any:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(submission_schema())
    return jsonschema.Draft202012Validator(submission_schema())


def arena_version() -> str:
    """The installed Arena's version."""
    try:
        return version("arena-bench")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def manifest_problems(manifest: Any) -> list[Problem]:
    """Every way ``manifest`` breaks the submission schema or the protocol, each naming the field."""
    problems = []
    for error in sorted(_validator().iter_errors(manifest), key=lambda e: [str(p) for p in e.path]):
        where = ".".join(str(part) for part in error.path) or "<submission>"
        message = error.message
        if error.validator == "pattern" and "description" in error.schema:  # say what is accepted, not the regex
            message = f"{error.instance!r} is not {error.schema['description']}"
        problems.append(Problem(SUBMISSION_FILE, "submission-schema", message, record=where))
    if problems:
        return problems
    if manifest["protocol_version"] != PROTOCOL_VERSION:
        problems.append(
            Problem(
                SUBMISSION_FILE,
                "protocol-version",
                f"protocol {manifest['protocol_version']!r}; this Arena derives episodes of protocol "
                f"{PROTOCOL_VERSION!r} only (evaluate again with arena {arena_version()})",
                record="protocol_version",
            )
        )
    track = manifest["track"]
    if track["kind"] == PARTIAL_TRACK and set(track["tasks"]) == set(task_names()):
        problems.append(
            Problem(
                SUBMISSION_FILE,
                "submission-schema",
                "a partial track naming every task is the full track",
                record="track.tasks",
            )  # fmt: skip
        )
    return problems


def track_tasks(manifest: dict[str, Any]) -> list[str]:
    """The tasks a (valid) manifest's track covers, in registry order."""
    track = manifest["track"]
    chosen = set(task_names()) if track["kind"] == FULL_TRACK else set(track["tasks"])
    return [task for task in task_names() if task in chosen]


def track_id(manifest: dict[str, Any]) -> str:
    """Submissions rank only against others with the same id: ``full``, or ``partial:`` and the sorted tasks."""
    if manifest["track"]["kind"] == FULL_TRACK:
        return FULL_TRACK
    return f"{PARTIAL_TRACK}:{','.join(sorted(manifest['track']['tasks']))}"


def make_policy_card(
    *,
    architecture: str,
    parameters: int | None,
    training_tasks: list[str],
    texture_split: str,
    perturbed_data: bool,
    compute: str,
    licence: str,
    description: str = "",
) -> dict[str, Any]:
    """A policy card: what the policy is, what it was trained on (tasks, texture split, perturbed data or not)."""
    training = {"tasks": sorted(training_tasks), "texture_split": texture_split, "perturbed_data": perturbed_data}
    if description:
        training["description"] = description
    return {
        "architecture": architecture,
        "parameters": parameters,
        "training_data": training,
        "compute": compute,
        "licence": licence,
    }


def make_manifest(
    *,
    name: str,
    team: str,
    policy: str,
    policy_card: dict[str, Any],
    tasks: list[str] | None,
    paper: str | None = None,
    code: str | None = None,
    checkpoint: str | None = None,
) -> dict[str, Any]:
    """A manifest for the current Arena and protocol; ``tasks`` None declares the full track."""
    track = {"kind": FULL_TRACK} if tasks is None else {"kind": PARTIAL_TRACK, "tasks": sorted(tasks)}
    return {
        "schema_version": MANIFEST_VERSION,
        "arena_version": arena_version(),
        "protocol_version": PROTOCOL_VERSION,
        "result_schema_version": RESULT_SCHEMA_VERSION,
        "name": name,
        "team": team,
        "policy": policy,
        "links": {"paper": paper, "code": code, "checkpoint": checkpoint},
        "track": track,
        "policy_card": policy_card,
    }
