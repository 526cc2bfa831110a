"""The protocol grid a submission must fill, and the checks of each result record against it.

Every expected value is recomputed here from the spec layer (``episode_seed`` and ``sample_episode``), never read
from the bundle: a record whose seed, config or hash is not the protocol's is refused, so episodes cannot be
edited, swapped or cherry-picked. Nothing here imports MuJoCo.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from arena.eval.protocol import EPISODES_PER_CELL, episode_seed
from arena.eval.schema import record_problems
from arena.leaderboard.archive import RESULTS_FILE
from arena.leaderboard.problems import Problem
from arena.spec.axes import axis_applies
from arena.spec.axis_names import AXIS_NAMES
from arena.spec.episode import PROTOCOL_VERSION
from arena.spec.sampling import sample_episode
from arena.spec.task import load_task, task_names

#: Most bytes of one results line (the largest real records are ~12 KB).
MAX_RECORD_BYTES = 64 * 1024


def grid_cells(tasks: Iterable[str]) -> list[tuple[str, str]]:
    """Every (task, axis) cell of a track: each task under None, each axis that applies to it, and All."""
    return [(task, axis) for task in tasks for axis in AXIS_NAMES if axis_applies(axis, load_task(task))]


@cache
def protocol_episode(task: str, axis: str, index: int) -> tuple[int, dict[str, Any], str]:
    """The seed, the ``EpisodeConfig`` (as a dict) and its hash that the protocol gives episode ``index``."""
    seed = episode_seed(task, axis, index, PROTOCOL_VERSION)
    config = sample_episode(task, axis, seed)
    return seed, config.to_dict(), config.config_hash


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(data: bytes | str) -> Any:
    """Strict JSON: UTF-8, no NaN or Infinity (raises ``ValueError`` naming what is wrong)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _differing_fields(given: Any, expected: dict[str, Any]) -> list[str]:
    if not isinstance(given, dict):
        return ["<not an object>"]
    return sorted(key for key in set(given) | set(expected) if given.get(key) != expected.get(key))


class RecordChecker:
    """Checks result records one by one against a track's protocol grid and remembers which episodes it saw."""

    def __init__(self, tasks: list[str], policy: str | None) -> None:
        self.tasks = set(tasks)
        self.cells = grid_cells(tasks)
        self.policy = policy
        self.seen: dict[tuple[str, str, int], int] = {}  # (task, axis, episode) -> line

    def check_line(self, number: int, line: bytes) -> tuple[dict[str, Any] | None, list[Problem]]:
        """The record on results line ``number`` (None if unusable) and its problems."""
        where = f"line {number}"
        if len(line) > MAX_RECORD_BYTES:
            return None, [
                Problem(RESULTS_FILE, "record-size", f"{len(line)} bytes; at most {MAX_RECORD_BYTES}", record=where)
            ]
        try:
            record = parse_json(line)
        except (ValueError, UnicodeDecodeError) as error:
            return None, [Problem(RESULTS_FILE, "json", f"not a JSON record ({error})", record=where)]
        schema = record_problems(record)
        if schema:
            return None, [Problem(RESULTS_FILE, "record-schema", p, record=where) for p in schema]
        return record, self.check_record(record, number)

    def check_record(self, record: dict[str, Any], number: int) -> list[Problem]:
        """Every protocol rule ``record`` (already schema-valid, on results line ``number``) breaks."""
        task, axis, index = record["task"], record["axis"], record["episode"]
        where = f"line {number} ({task}/{axis}/episode {index})"

        def problem(rule: str, message: str) -> Problem:
            return Problem(RESULTS_FILE, rule, message, record=where)

        problems = []
        if self.policy is not None and record["policy"] != self.policy:
            problems.append(problem("policy", f"policy {record['policy']!r}; submission.json names {self.policy!r}"))
        if task not in task_names():
            return [*problems, problem("task", f"unknown task {task!r}")]
        if task not in self.tasks:
            return [*problems, problem("task", f"task {task} is not in the submission's track")]
        if axis not in AXIS_NAMES or not axis_applies(axis, load_task(task)):
            return [*problems, problem("axis", f"axis {axis!r} does not apply to {task}")]
        if index >= EPISODES_PER_CELL:
            return [*problems, problem("episode-index", f"episode {index}; the protocol has {EPISODES_PER_CELL}")]
        key = (task, axis, index)
        if key in self.seen:
            return [*problems, problem("duplicate-episode", f"already given on line {self.seen[key]}")]
        self.seen[key] = number
        if record["protocol"] != PROTOCOL_VERSION:  # its seed and config derive from other rules: nothing to compare
            return [
                *problems,
                problem("protocol-version", f"protocol {record['protocol']!r}; expected {PROTOCOL_VERSION!r}"),
            ]
        seed, config, config_hash = protocol_episode(task, axis, index)
        if record["seed"] != seed:
            problems.append(problem("seed", f"seed {record['seed']}; the protocol's is {seed}"))
        if record["episode_config"] is None:
            if record["error"] is None or record["success"] or record["config_hash"] is not None:
                problems.append(problem("unplayed-episode", "no episode_config, yet not an unsuccessful error record"))
        else:
            differing = _differing_fields(record["episode_config"], config)
            if differing:
                problems.append(
                    problem("episode-config", f"episode_config differs from the protocol's in {', '.join(differing)}")
                )
            if record["config_hash"] != config_hash:
                problems.append(
                    problem("config-hash", f"config_hash {record['config_hash']}; the protocol's is {config_hash}")
                )
        limit = load_task(task).max_steps
        if record["steps"] > limit:
            problems.append(problem("steps", f"{record['steps']} steps; {task} allows at most {limit}"))
        return problems

    def missing(self) -> list[Problem]:
        """A problem per cell of the track that lacks episodes."""
        present: dict[tuple[str, str], set[int]] = defaultdict(set)
        for task, axis, index in self.seen:
            present[(task, axis)].add(index)
        problems = []
        for task, axis in self.cells:
            absent = sorted(set(range(EPISODES_PER_CELL)) - present[(task, axis)])
            if absent:
                shown = ", ".join(map(str, absent[:5])) + (", ..." if len(absent) > 5 else "")
                problems.append(
                    Problem(
                        RESULTS_FILE,
                        "grid",
                        f"lacks {len(absent)} of {EPISODES_PER_CELL} episodes ({shown})",
                        record=f"cell {task}/{axis}",
                    )
                )
        return problems
