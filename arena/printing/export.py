"""The printable release: every task object at its size variants, and the distractor toy set, as checked STL.

What is exported:

- every MO and RO of every task, each printable part separately (articulated objects: carcass and drawers, box
  body, lid and hinge pin), at the nominal scale 1.0 and at both ends of the object's size range (ObjectSize for
  MO, ReceiverSize for RO, from the task YAML, else :data:`~arena.spec.axis_names.DEFAULT_RANGES`);
- the distractor toy set: :data:`DISTRACTOR_COUNT` toys from the Distractors axis's generator
  (:func:`~arena.objects.toys.draw_toy`, shape then colour) with ``np.random.default_rng(DISTRACTOR_SEED)``.

Files are ``<task>/<object>[_<part>][_<k>of<n>]_s<scale>.stl`` (the part only for objects of several parts,
``k of n`` only for parts cut to fit the bed) and ``distractors/toy_<nn>_s1.00.stl``, in millimetres, lying in
their print orientation on the bed (``bed``, :data:`~arena.printing.bed.DEFAULT_BED_MM` unless given);
``manifest.yaml`` describes each one. Bad input (unknown task, scale outside the task's range, a bed that is not
three positive sizes, an output folder that cannot be written) is refused before any work; a bed too small for
a part (one that prints whole, or would need more than :data:`~arena.printing.bed.MAX_PIECES` pieces) is refused
before any part is laid out, naming the part and the bed; every part is checked before any file is written;
files are replaced atomically.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh

from arena.objects.toys import draw_toy
from arena.printing.bed import DEFAULT_BED_MM, MAX_PIECES, Bed, Placement, bed_text, check_bed, layout, pieces_needed
from arena.printing.checks import CheckReport, check_mesh
from arena.printing.errors import PrintabilityError, PrintExportError
from arena.printing.features import PrintableObject, printable_object
from arena.printing.mesh import Solid, bounds, primitives_solid
from arena.printing.stl import stl_bytes, write_atomic
from arena.spec.colors import NAMED_COLORS
from arena.spec.task import ObjectSpec, TaskSpec, load_task, task_names

#: Seed and size of the printed distractor toy set.
DISTRACTOR_SEED = 0
DISTRACTOR_COUNT = 12
#: Folder of the distractor toys inside the release.
DISTRACTOR_DIR = "distractors"


@dataclass(frozen=True)
class PrintItem:
    """One file of the release: a printable part (or a piece of one) at one scale, lying on the bed.

    Attributes:
        file: Path inside the release (``<task>/<object>..._s<scale>.stl``).
        task: Task name (``distractors`` for the toy set).
        object: Object name (``toy_01`` ... for toys).
        role: ``MO``, ``RO`` or ``distractor``.
        part: Printable part name (``body``, ``lid``, ``pin``, ``drawer_top`` ...).
        piece: Index of this piece, from 1, when the part is cut to fit the bed.
        pieces: Number of pieces the part is cut into (1: whole).
        scale: Uniform scale relative to the task's nominal size.
        color: Suggested filament colour (one of the 20 named colours).
        placement: The piece on the bed (mesh in millimetres) and how it goes back into the object frame.
        note: Print-only changes to the simulated part, in words.
    """

    file: str
    task: str
    object: str
    role: str
    part: str
    piece: int
    pieces: int
    scale: float
    color: str
    placement: Placement
    note: str = ""

    @property
    def mesh(self) -> trimesh.Trimesh:
        """The piece as printed: millimetres, lying on the bed (z = 0), centred on the bed's origin."""
        return self.placement.mesh

    def object_mesh(self) -> trimesh.Trimesh:
        """The piece in the object frame (millimetres), where it sits when the object is assembled."""
        return self.mesh.copy().apply_transform(self.placement.to_object)

    @property
    def subject(self) -> str:
        """How errors name this item: task, object, part, piece and scale."""
        piece = f" piece {self.piece} of {self.pieces}" if self.pieces > 1 else ""
        return f"{self.task}/{self.object} part '{self.part}'{piece} at scale {self.scale:g} ({self.file})"


def scale_label(scale: float) -> str:
    """``s0.75``, ``s1.00``: two decimals, more only when the scale needs them."""
    text = f"{scale:.2f}"
    if abs(float(text) - scale) > 1e-9:
        text = f"{scale:.4f}".rstrip("0")
    return f"s{text}"


def scale_range(task: TaskSpec, obj: ObjectSpec) -> tuple[str, tuple[float, float]]:
    """The size axis that scales ``obj`` and its range in ``task`` (the task spec's one rule)."""
    return task.size_axis(obj), task.size_range(obj)


def release_scales(task: TaskSpec, obj: ObjectSpec) -> tuple[float, ...]:
    """Nominal 1.0 and both ends of the object's size range, ascending."""
    _, (low, high) = scale_range(task, obj)
    return tuple(sorted({1.0, low, high}))


def check_scales(tasks: Sequence[TaskSpec], scales: Iterable[float]) -> None:
    """Refuse a scale outside any selected object's size range (1.0, the nominal size, is always allowed)."""
    for scale in scales:
        if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
            raise PrintExportError(f"scale {scale!r} is not a positive number")
        for task in tasks:
            for obj in task.objects:
                axis, (low, high) = scale_range(task, obj)
                if scale != 1.0 and not low - 1e-9 <= scale <= high + 1e-9:
                    raise PrintExportError(
                        f"scale {scale:g} is outside {task.name}'s {axis} range [{low:g}, {high:g}] for "
                        f"{obj.name} ({obj.role}); choose a scale in that range (1.0, the nominal size, is always "
                        "allowed)"
                    )


def ensure_writable(folder: Path) -> Path:
    """Create ``folder`` if needed and prove it writable; raise ``PrintExportError`` saying why not."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".arena-write-test-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise PrintExportError(f"output directory {folder} is not writable: {reason}") from None
    return folder


def _name(obj: str, part: str | None, piece: int, pieces: int, scale: float) -> str:
    stem = obj if part is None else f"{obj}_{part}"
    if pieces > 1:
        stem += f"_{piece:0{len(str(pieces))}d}of{pieces}"
    return f"{stem}_{scale_label(scale)}.stl"


def _fit_problem(subject: str, solid: Solid, whole: bool, bed: Bed) -> str | None:
    """Why ``solid`` cannot be laid on ``bed`` (None when it can): it prints whole, or needs too many pieces."""
    needed = pieces_needed(solid, bed)
    if needed <= (1 if whole else MAX_PIECES):
        return None
    size = " x ".join(f"{v:.1f}" for v in bounds(solid)[1] - bounds(solid)[0])
    if whole:
        return f"{subject} ({size} mm) prints in one piece and does not fit the {bed_text(bed)} bed"
    return f"{subject} ({size} mm) would need {needed} pieces on the {bed_text(bed)} bed (at most {MAX_PIECES})"


def check_fit(jobs: Sequence[tuple[str, Solid, bool]], bed: Bed) -> None:
    """Refuse a bed too small for any of ``jobs`` (subject, solid, prints whole): one line naming part and bed."""
    problems = [p for p in (_fit_problem(subject, solid, whole, bed) for subject, solid, whole in jobs) if p]
    if problems:
        more = f"; {len(problems) - 1} more part(s) do not fit it either" if len(problems) > 1 else ""
        raise PrintExportError(
            f"bed too small: {problems[0]}{more}; choose a larger bed (default {bed_text(DEFAULT_BED_MM)})"
        )


def object_items(
    task: TaskSpec,
    obj: ObjectSpec,
    scale: float,
    bed: Bed = DEFAULT_BED_MM,
    printable: PrintableObject | None = None,
) -> list[PrintItem]:
    """The files of one task object at one scale on ``bed`` (``printable``: its parts, when already built)."""
    if printable is None:
        printable = printable_object(obj.shape.scaled(scale), f"{task.name}/{obj.name}")
    several = len(printable.parts) > 1
    accents = {part.name: part.color for part in obj.shape.parts() if part.color is not None}
    items = []
    for part in printable.parts:
        placements = layout(part.solid, bed, 1 if part.whole else MAX_PIECES)
        for index, placement in enumerate(placements, start=1):
            name = _name(obj.name, part.name if several else None, index, len(placements), scale)
            items.append(
                PrintItem(
                    file=f"{task.name}/{name}",
                    task=task.name,
                    object=obj.name,
                    role=obj.role,
                    part=part.name,
                    piece=index,
                    pieces=len(placements),
                    scale=float(scale),
                    color=accents.get(part.source or "", obj.color),
                    placement=placement,
                    note=part.note,
                )
            )
    return items


def distractor_toys() -> list[tuple[str, list, str]]:
    """The printed toy set: (name, primitives, colour) for each of the :data:`DISTRACTOR_COUNT` toys."""
    rng = np.random.default_rng(DISTRACTOR_SEED)
    toys = []
    for index in range(1, DISTRACTOR_COUNT + 1):
        primitives, _, color = draw_toy(rng, tuple(NAMED_COLORS))
        toys.append((f"toy_{index:02d}", primitives, color))
    return toys


def distractor_items(bed: Bed = DEFAULT_BED_MM) -> list[PrintItem]:
    """The files of the distractor toy set (scale 1.0) on ``bed``."""
    items = []
    for name, primitives, color in distractor_toys():
        placements = layout(primitives_solid(primitives), bed)
        for index, placement in enumerate(placements, start=1):
            items.append(
                PrintItem(
                    file=f"{DISTRACTOR_DIR}/{_name(name, None, index, len(placements), 1.0)}",
                    task=DISTRACTOR_DIR,
                    object=name,
                    role="distractor",
                    part="body",
                    piece=index,
                    pieces=len(placements),
                    scale=1.0,
                    color=color,
                    placement=placement,
                )
            )
    return items


def printable_objects(task: TaskSpec) -> list[ObjectSpec]:
    """The task's MO and RO objects that print; the others (a rope, dirt) have a substitute in the manifest."""
    return [obj for obj in task.objects if obj.shape.printable]


def resolve_tasks(names: Iterable[str] | None) -> list[TaskSpec]:
    """Task specs by name (all when None); unknown names raise ``UnknownNameError`` listing the valid ones."""
    return [load_task(name) for name in (task_names() if names is None else names)]


def plan_release(
    tasks: Sequence[TaskSpec],
    scales: Sequence[float] | None = None,
    distractors: bool = True,
    bed: Bed = DEFAULT_BED_MM,
) -> list[PrintItem]:
    """Every file of a release, built and laid on the bed but not yet checked or written.

    Args:
        tasks: Tasks whose MO and RO objects to export.
        scales: Scales for every object (default: each object's :func:`release_scales`).
        distractors: Whether to add the distractor toy set.
        bed: Build volume, width x depth x height in millimetres. A bed too small for any part raises
            ``PrintExportError`` naming the part and the bed, before any part is laid out.
    """
    bed = check_bed(bed)
    objects = []
    for task in tasks:
        for obj in printable_objects(task):
            for scale in sorted(set(scales)) if scales is not None else release_scales(task, obj):
                objects.append((task, obj, scale, printable_object(obj.shape.scaled(scale), f"{task.name}/{obj.name}")))
    jobs = [
        (f"{task.name}/{obj.name} part '{part.name}' at scale {scale:g}", part.solid, part.whole)
        for task, obj, scale, printable in objects
        for part in printable.parts
    ]
    if distractors:
        jobs += [(f"{DISTRACTOR_DIR}/{name}", primitives_solid(p), False) for name, p, _ in distractor_toys()]
    check_fit(jobs, bed)
    items: list[PrintItem] = []
    for task, obj, scale, printable in objects:
        items += object_items(task, obj, scale, bed, printable)
    if distractors:
        items += distractor_items(bed)
    files = [item.file for item in items]
    duplicates = sorted({f for f in files if files.count(f) > 1})
    if duplicates:
        raise PrintExportError(f"two parts would share a file name: {duplicates}")
    return items


def check_items(items: Sequence[PrintItem], bed: Bed = DEFAULT_BED_MM) -> list[CheckReport]:
    """Run the printability checks on every item on ``bed``; one ``PrintabilityError`` lists every failure."""
    reports, failures = [], []
    for item in items:
        try:
            reports.append(check_mesh(item.mesh, item.subject, bed))
        except PrintabilityError as error:
            failures.extend(error.failures or ())
            if not error.failures:
                raise
    if failures:
        raise PrintabilityError("\n".join(str(f) for f in failures), tuple(failures))
    return reports


def export_release(
    out_dir: str | Path,
    tasks: Iterable[str] | None = None,
    scales: Sequence[float] | None = None,
    distractors: bool = True,
    bed: Bed = DEFAULT_BED_MM,
) -> tuple[list[PrintItem], list[CheckReport], Path]:
    """Build, check and write a release into ``out_dir``; returns the items, their check reports, the manifest.

    Input is validated before any geometry is built: task names, scales against each object's range, the bed
    (width, depth, height in millimetres; :data:`~arena.printing.bed.DEFAULT_BED_MM` by default) and that
    ``out_dir`` can be written. A bed too small for a part is refused before any part is laid out, naming the
    part and the bed. Every part is checked before any file is written. Files are replaced atomically; the
    manifest records the bed.
    """
    from arena.printing.manifest import manifest_text

    specs = resolve_tasks(None if tasks is None else list(tasks))
    if scales is not None:
        check_scales(specs, scales)
    bed = check_bed(bed)
    folder = ensure_writable(Path(out_dir))
    items = plan_release(specs, scales, distractors, bed)
    reports = check_items(items, bed)
    for item in items:
        write_atomic(folder / item.file, stl_bytes(item.mesh))
    manifest = folder / "manifest.yaml"
    write_atomic(manifest, manifest_text(items, reports, specs, scales, distractors, bed).encode())
    return items, reports, manifest


def stale_files(out_dir: str | Path, items: Sequence[PrintItem]) -> list[str]:
    """STL files under ``out_dir`` that the export did not write (left over from an earlier release)."""
    folder = Path(out_dir)
    written = {item.file for item in items}
    found = (p.relative_to(folder).as_posix() for p in folder.rglob("*.stl"))
    return sorted(f for f in found if f not in written and not os.path.basename(f).startswith("."))
