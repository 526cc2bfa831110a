"""``arena leaderboard build``: every submission in a folder, validated, scored, ranked per track, as a static site.

The site works offline and without JavaScript: ``index.html`` holds one table per track, already sorted by rank
(the small local ``sort.js`` only re-sorts on request), ``submissions/<name>.html`` one page per submission with its
heatmap, per-task table and policy card, ``bundles/<name>.zip`` the bundle itself and ``leaderboard.json`` the same
numbers for machines. Every string from a bundle is HTML-escaped by the templates.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arena.eval.protocol import EPISODES_PER_CELL
from arena.leaderboard.figures import heatmap_png
from arena.leaderboard.manifest import FULL_TRACK, arena_version, track_id, track_tasks
from arena.leaderboard.problems import LeaderboardError
from arena.leaderboard.scoring import INTERVAL, Scores, competition_ranks, percent, score, signed_percent
from arena.leaderboard.validator import validate_bundle
from arena.spec.axes import axis_applies
from arena.spec.axis_names import ALL_AXIS, AXIS_NAMES, NONE_AXIS, PERTURBATION_AXES
from arena.spec.episode import PROTOCOL_VERSION
from arena.spec.task import load_task

SITE_FORMAT = 1
TEMPLATES = Path(__file__).parent / "templates"
#: Files copied as they are from the templates folder.
STATIC_FILES = ("style.css", "sort.js")
RANKING = (
    "Ranked by task-averaged success under All (every applicable perturbation at once), then by the mean over the "
    "14 perturbation axes of each axis's task-averaged success. Relative drop against None is shown beside them and "
    "never ranks. Submissions rank only against others on the same track."
)


@dataclass
class Entry:
    """One accepted submission: its manifest, its scores and where its files go."""

    manifest: dict[str, Any]
    scores: Scores
    bundle: Path
    bundle_sha256: str
    rank: int = 0

    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def warnings(self) -> list[str]:
        """What a reader should know before comparing (e.g. training on the held-out test textures)."""
        training = self.manifest["policy_card"]["training_data"]
        notes = []
        if training["texture_split"] in ("test", "all"):
            notes.append(f"trained on the {training['texture_split']} texture split, which includes held-out textures")
        return notes


@dataclass
class Track:
    """Submissions that rank against each other: the full track, or one partial track per set of tasks."""

    id: str
    tasks: list[str]
    entries: list[Entry] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.id == FULL_TRACK

    @property
    def title(self) -> str:
        if self.full:
            return f"Full track: all {len(self.tasks)} tasks"
        return f"Partial track: {len(self.tasks)} task{'s' if len(self.tasks) != 1 else ''} ({', '.join(self.tasks)})"

    @property
    def phrase(self) -> str:
        """The track in running text: ``the full track`` or ``the partial track of 4 tasks (...)``."""
        return "the full track" if self.full else f"the partial track of {self.title.removeprefix('Partial track: ')}"

    @property
    def anchor(self) -> str:
        return "full" if self.full else "partial-" + "-".join(t.lower() for t in self.tasks)


def load_entries(folder: str | Path) -> list[Entry]:
    """Every ``*.zip`` in ``folder``, validated and scored; any invalid bundle stops the build, naming its problems."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LeaderboardError(f"{folder} is not a folder; give the folder holding the submission bundles (*.zip)")
    bundles = sorted(folder.glob("*.zip"))
    if not bundles:
        raise LeaderboardError(f"{folder} holds no submission bundles (*.zip); make one with arena submit")
    entries, refused = [], []
    for path in bundles:
        result = validate_bundle(path)
        if not result.valid:
            refused.append(f"{path}: {len(result.problems)} problem(s), first {result.problems[0]}")
            continue
        manifest = result.manifest
        assert manifest is not None and result.bundle_sha256 is not None
        if manifest["name"] != path.stem:
            refused.append(f"{path}: submission name {manifest['name']!r} differs from its file name {path.stem!r}")
            continue
        scores = score(result.records, track_tasks(manifest))
        entries.append(Entry(manifest, scores, path, result.bundle_sha256))
    if refused:
        raise LeaderboardError(
            f"{len(refused)} submission(s) refused (see arena leaderboard validate): {'; '.join(refused)}"
        )
    return entries


def rank_tracks(entries: list[Entry]) -> list[Track]:
    """Entries grouped into tracks (full first, then partial tracks by size) and ranked within each."""
    tracks: dict[str, Track] = {}
    for entry in entries:
        key = track_id(entry.manifest)
        tracks.setdefault(key, Track(key, track_tasks(entry.manifest))).entries.append(entry)
    for track in tracks.values():
        track.entries.sort(key=lambda e: (e.scores.ranking_key, e.name))
        for entry, rank in zip(
            track.entries, competition_ranks([e.scores.ranking_key for e in track.entries]), strict=True
        ):
            entry.rank = rank
    return sorted(tracks.values(), key=lambda t: (not t.full, -len(t.tasks), t.id))


def _estimate_cell(estimate: Any) -> dict[str, Any]:
    text = f"{percent(estimate.value)} [{percent(estimate.low)}–{percent(estimate.high)}]"
    return {"text": text, "value": f"{estimate.value:.6f}", "title": f"95% interval {text}"}


def _columns(track: Track) -> list[dict[str, Any]]:
    """The index table's columns: group, label, sort type."""
    axes = [a for a in AXIS_NAMES if any(axis_applies(a, load_task(t)) for t in track.tasks)]
    perturbed = [a for a in axes if a in PERTURBATION_AXES]
    columns = [
        {"group": "Submission", "label": "Rank", "type": "number"},
        {"group": "Submission", "label": "Submission", "type": "text"},
        {"group": "Submission", "label": "Team", "type": "text"},
        {"group": "Ranking (95% interval)", "label": "All", "type": "number"},
        {"group": "Ranking (95% interval)", "label": "Mean over axes", "type": "number"},
    ]
    columns += [{"group": "Task-averaged success per axis", "label": a, "type": "number"} for a in axes]
    columns += [
        {"group": "Relative drop vs None (secondary, never ranks)", "label": f"{a} drop", "type": "number"}
        for a in [*perturbed, ALL_AXIS]
    ]
    return columns


def _row(entry: Entry, track: Track) -> list[dict[str, Any]]:
    """The index table's cells of one entry (text shown, value sorted by, optional link and title)."""
    scores = entry.scores
    cells: list[dict[str, Any]] = [
        {"text": str(entry.rank), "value": str(entry.rank)},
        {"text": entry.name, "value": entry.name, "href": f"submissions/{entry.name}.html", "header": True},
        {"text": entry.manifest["team"], "value": entry.manifest["team"]},
        _estimate_cell(scores.all_axes),
        _estimate_cell(scores.mean_over_axes),
    ]
    for column in _columns(track)[5:]:
        label = column["label"]
        if label.endswith(" drop"):
            drop = scores.drops.get(label.removesuffix(" drop"))
            cells.append({"text": signed_percent(drop), "value": "" if drop is None else f"{drop:.6f}"})
        else:
            estimate = scores.per_axis[label]
            cells.append({**_estimate_cell(estimate), "text": percent(estimate.value)})
    return cells


def _groups(columns: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Column groups and their spans, for the first header row."""
    return [(group, len(list(members))) for group, members in itertools.groupby(columns, key=lambda c: c["group"])]


def _per_axis(scores: Scores) -> list[dict[str, str]]:
    rows = []
    for axis, estimate in scores.per_axis.items():
        drop = "" if axis == NONE_AXIS else signed_percent(scores.drops.get(axis))
        interval = f"{percent(estimate.value)} [{percent(estimate.low)}–{percent(estimate.high)}]"
        rows.append({"axis": axis, "success": interval, "drop": drop})
    return rows


def _per_task(scores: Scores) -> list[dict[str, Any]]:
    rows = []
    for task in scores.tasks:
        cells = []
        for axis in AXIS_NAMES:
            rate = scores.cell_rate(task, axis)
            if rate is None:
                cells.append({"text": "n/a", "title": f"{axis} does not apply to {task}"})
            else:
                value, low, high, n = rate
                cells.append({"text": percent(value), "title": f"{percent(low)}–{percent(high)} (Wilson 95%), n={n}"})
        rows.append({"task": task, "cells": cells})
    return rows


def entry_json(entry: Entry) -> dict[str, Any]:
    """One entry of ``leaderboard.json``."""
    scores = entry.scores
    return {
        "rank": entry.rank,
        "name": entry.name,
        "team": entry.manifest["team"],
        "policy": entry.manifest["policy"],
        "links": entry.manifest["links"],
        "policy_card": entry.manifest["policy_card"],
        "arena_version": entry.manifest["arena_version"],
        "bundle": f"bundles/{entry.name}.zip",
        "bundle_sha256": entry.bundle_sha256,
        "warnings": entry.warnings,
        "all": scores.all_axes.to_dict(),
        "mean_over_axes": scores.mean_over_axes.to_dict(),
        "per_axis": {axis: estimate.to_dict() for axis, estimate in scores.per_axis.items()},
        "relative_drop": scores.drops,
        "cells": {f"{t}/{a}": {"successes": k, "episodes": n} for (t, a), (k, n) in sorted(scores.cells.items())},
    }


def leaderboard_json(tracks: list[Track]) -> dict[str, Any]:
    """The whole leaderboard for machines."""
    return {
        "format": SITE_FORMAT,
        "arena_version": arena_version(),
        "protocol_version": PROTOCOL_VERSION,
        "episodes_per_cell": EPISODES_PER_CELL,
        "ranking": RANKING,
        "interval": INTERVAL,
        "tracks": [
            {
                "id": t.id,
                "kind": "full" if t.full else "partial",
                "tasks": t.tasks,
                "entries": [entry_json(e) for e in t.entries],
            }
            for t in tracks
        ],
    }


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _prepare(output: Path) -> Path:
    """A fresh folder beside ``output`` to build into; ``output`` must be new, empty or an earlier site."""
    if output.exists():
        if not output.is_dir():
            raise LeaderboardError(f"{output} is a file; give a folder for the site")
        if any(output.iterdir()) and not (output / "leaderboard.json").is_file():
            raise LeaderboardError(f"{output} is not empty and holds no earlier leaderboard site; give a new folder")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    staging.chmod(0o755)  # a site folder, readable like any other (mkdtemp makes it private)
    return staging


def build_site(submissions: str | Path, output: str | Path) -> list[Track]:
    """Validate, score and rank every bundle in ``submissions`` and write the static site to ``output``.

    The site is built in a fresh folder and then replaces ``output``, so pages of removed submissions never linger.
    """
    output = Path(output)
    tracks = rank_tracks(load_entries(submissions))
    staging = _prepare(output)
    try:
        _write(tracks, staging)
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return tracks


def _write(tracks: list[Track], site: Path) -> None:
    env = _environment()
    (site / "submissions").mkdir()
    (site / "bundles").mkdir()
    for name in STATIC_FILES:
        shutil.copyfile(TEMPLATES / name, site / name)
    common = {"protocol": PROTOCOL_VERSION, "arena_version": arena_version(), "episodes": EPISODES_PER_CELL}
    views = []
    for track in tracks:
        columns = _columns(track)
        rows = [{"entry": e, "cells": _row(e, track)} for e in track.entries]
        views.append({"track": track, "columns": columns, "groups": _groups(columns), "rows": rows})
    index = env.get_template("index.html").render(tracks=views, ranking=RANKING, interval=INTERVAL, **common)
    (site / "index.html").write_text(index)
    for track in tracks:
        for entry in track.entries:
            heatmap = f"{entry.name}-heatmap.png"
            (site / "submissions" / heatmap).write_bytes(heatmap_png(entry.scores, entry.name))
            shutil.copyfile(entry.bundle, site / "bundles" / f"{entry.name}.zip")
            page = env.get_template("submission.html").render(
                entry=entry, track=track, heatmap=heatmap, axes=AXIS_NAMES, per_task=_per_task(entry.scores),
                per_axis=_per_axis(entry.scores), percent=percent, interval=INTERVAL, **common,
            )  # fmt: skip
            (site / "submissions" / f"{entry.name}.html").write_text(page)
    text = json.dumps(leaderboard_json(tracks), indent=2, sort_keys=True, allow_nan=False) + "\n"
    (site / "leaderboard.json").write_text(text)
