"""``manifest.yaml``: one entry per printed file, plus the settings the release was made with.

Values are rounded (0.01 mm, 0.01 cm^3, 0.1 g, 0.1 mm for measured wall thickness) so the text is stable, and
keys keep a fixed order; the CI drift test compares this file byte for byte with a fresh export. ``totals`` sums
the files (count, printed parts, supports, filament), overall and per object and scale; ``print_models/README.md``
quotes it and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import numpy as np
import yaml

from arena.printing import bed, checks, features, mesh
from arena.printing.bed import DEFAULT_BED_MM, Bed
from arena.printing.checks import CheckReport
from arena.printing.export import (
    DISTRACTOR_COUNT,
    DISTRACTOR_DIR,
    DISTRACTOR_SEED,
    PrintItem,
    release_scales,
    scale_range,
)
from arena.printing.features import printable_object
from arena.spec.task import TaskSpec

#: Density used for the mass estimate: PLA, solid (a 100%-infill upper bound), grams per cubic centimetre.
DENSITY_G_CM3 = 1.24
DENSITY_MATERIAL = "PLA"


def _round(values, digits: int) -> list[float]:
    return [round(float(v), digits) + 0.0 for v in np.asarray(values, dtype=float).ravel()]


def file_entry(item: PrintItem, report: CheckReport) -> dict:
    """The manifest entry of one printed file."""
    placement = item.placement
    volume_cm3 = float(item.mesh.volume) / 1000.0
    entry = {
        "file": item.file,
        "task": item.task,
        "object": item.object,
        "role": item.role,
        "part": item.part,
    }
    if item.pieces > 1:
        entry["piece"] = f"{item.piece} of {item.pieces}"
    entry.update(
        {
            "scale": round(item.scale, 4),
            "bbox_mm": _round(item.mesh.extents, 2),
            "volume_cm3": round(volume_cm3, 2),
            "mass_g": round(volume_cm3 * DENSITY_G_CM3, 1),
            "color": item.color,
            "orientation": f"{placement.up} up: {bed.UP_WORDS[placement.up]}",
            "supports": placement.supports,
            "overhang_mm2": round(placement.overhang_mm2, 0),
            "min_wall_mm": round(report.min_wall_mm, 1) if np.isfinite(report.min_wall_mm) else None,
            "to_object_mm": [_round(row, 4) for row in placement.to_object[:3]],
        }
    )
    if item.note:
        entry["print_features"] = item.note
    return entry


def object_entries(tasks: Sequence[TaskSpec], scales: Sequence[float] | None) -> list[dict]:
    """One entry per task object: role, size range, scales exported and print-only features."""
    entries = []
    for task in tasks:
        for obj in task.objects:
            axis, (low, high) = scale_range(task, obj)
            scales_listed = sorted(set(scales)) if scales is not None else list(release_scales(task, obj))
            if not obj.shape.printable:  # no STL: what to use instead at each scale, so a real session can set it up
                entries.append(
                    {
                        "task": task.name,
                        "object": obj.name,
                        "role": obj.role,
                        "shape": obj.shape.kind,
                        "color": obj.color,
                        "size_axis": axis,
                        "size_range": [low, high],
                        "printed": False,
                        "substitutes": [{"scale": s, "use": obj.shape.scaled(s).substitute()} for s in scales_listed],
                    }
                )
                continue
            features_text = printable_object(obj.shape, f"{task.name}/{obj.name}").features  # at scale 1
            entry = {
                "task": task.name,
                "object": obj.name,
                "role": obj.role,
                "shape": obj.shape.kind,
                "color": obj.color,
                "sim_density_kg_m3": obj.density,
                "size_axis": axis,
                "size_range": [low, high],
                "scales": sorted(set(scales)) if scales is not None else list(release_scales(task, obj)),
            }
            if features_text:
                entry["print_features"] = list(features_text)
            entries.append(entry)
    return entries


def totals(entries: Sequence[dict]) -> dict[str, Any]:
    """Sums over the file entries: files, printed parts (a part cut into pieces counts once), filament.

    Masses add up the entries' rounded ``mass_g``, so the totals follow from the file list alone. ``by_object``
    has one row per object and scale (the distractor toys together), in the order of the files.
    """
    groups: dict[tuple[str, str, float], list[dict]] = {}
    for entry in entries:
        obj = "toys" if entry["task"] == DISTRACTOR_DIR else entry["object"]
        groups.setdefault((entry["task"], obj, entry["scale"]), []).append(entry)

    def summary(group: Sequence[dict]) -> dict[str, Any]:
        parts = {(e["task"], e["object"], e["scale"], e["part"]) for e in group}
        mass = round(sum(e["mass_g"] for e in group), 1) + 0.0
        return {"files": len(group), "parts": len(parts), "mass_g": mass}

    overall = summary(entries)
    cut = {(e["task"], e["object"], e["scale"], e["part"]) for e in entries if "piece" in e}
    return {
        "files": overall["files"],
        "parts": overall["parts"],
        "parts_cut_into_pieces": len(cut),
        "files_with_supports": sum(bool(e["supports"]) for e in entries),
        "mass_g": overall["mass_g"],
        "filament_kg": round(overall["mass_g"] / 1000.0, 2),
        "heaviest_file_g": max((e["mass_g"] for e in entries), default=0.0),
        "tallest_file_mm": max((e["bbox_mm"][2] for e in entries), default=0.0),
        "by_object": [
            {"task": task, "object": obj, "scale": scale, **summary(group)}
            for (task, obj, scale), group in groups.items()
        ],
    }


#: Markers around the generated totals in ``print_models/README.md``.
TOTALS_BEGIN = "<!-- totals: generated from manifest.yaml by arena.printing.manifest.totals_markdown -->"
TOTALS_END = "<!-- end of totals -->"


def totals_markdown(manifest: dict) -> str:
    """The README's totals section (between :data:`TOTALS_BEGIN` and :data:`TOTALS_END`) for a parsed manifest."""
    t = manifest["totals"]
    bed_text = " × ".join(f"{v:g}" for v in manifest["bed_mm"])
    lines = [
        TOTALS_BEGIN,
        f"**{t['files']} files** for **{t['parts']} printed parts** ({t['parts_cut_into_pieces']} of them cut into "
        f"pieces to fit the bed; {t['files_with_supports']} files need supports), laid out for a **{bed_text} mm** "
        f"bed: **{t['filament_kg']:.2f} kg of PLA** in all, from the manifest's masses (solid, 100% infill, so an "
        f"upper bound). Heaviest file {t['heaviest_file_g']:.1f} g, tallest {t['tallest_file_mm']:.1f} mm.",
        "",
        "| task | object | scale | files | parts | PLA, solid (g) |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {row['task']} | {row['object']} | {row['scale']:.2f} | {row['files']} | {row['parts']} | "
        f"{row['mass_g']:.1f} |"
        for row in t["by_object"]
    ]
    substitutes = [entry for entry in manifest.get("objects", []) if entry.get("printed") is False]
    if substitutes:  # ropes, dirt: what a real-robot session sets out instead of a print
        lines += ["", "Not printed — use instead:", "", "| task | object | scale | use |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {entry['task']} | {entry['object']} | {sub['scale']:.2f} | {sub['use'].removeprefix('not printed: ')} |"
            for entry in substitutes
            for sub in entry["substitutes"]
        ]
    return "\n".join([*lines, TOTALS_END])


def manifest_text(
    items: Sequence[PrintItem],
    reports: Sequence[CheckReport],
    tasks: Sequence[TaskSpec],
    scales: Sequence[float] | None,
    distractors: bool,
    bed_mm: Bed = DEFAULT_BED_MM,
) -> str:
    """The text of ``manifest.yaml`` for a checked export laid out for ``bed_mm``."""
    data: dict[str, Any] = {
        "generator": "arena print-models (arena/printing); regenerate, never edit by hand",
        "made_with": {"manifold3d": version("manifold3d")},  # its triangulation decides the STL bytes
        "units": "millimetres; STL files lie in their print orientation, centred on the bed",
        "density": {"material": DENSITY_MATERIAL, "g_per_cm3": DENSITY_G_CM3, "mass_g": "solid (100% infill)"},
        "bed_mm": [float(v) for v in bed_mm],
        "circular_segments": mesh.CIRCULAR_SEGMENTS,
        "checks": {
            "min_wall_mm": checks.MIN_WALL_MM,
            "min_feature_mm": checks.MIN_FEATURE_MM,
            "overhang_deg_from_vertical": bed.OVERHANG_DEG,
            "supports_when_overhang_mm2_above": bed.SUPPORT_AREA_MM2,
        },
        "clearances_mm": {
            "drawer": "the simulated gap, scaled (2 mm at scale 1)",
            "hinge_knuckles": features.KNUCKLE_CLEARANCE_MM,
            "hinge_pin_in_lid": features.PIN_RUNNING_CLEARANCE_MM,
            "hinge_pin_in_body": features.PIN_PRESS_CLEARANCE_MM,
        },
        "print_only": {
            "hinge_pin": "prints whole, lying on a flat (D section) that removes the overhanging round",
            "plinth_wall_mm": features.PLINTH_WALL_MM,
        },
        "to_object_mm": "3x4 transform from the file's coordinates to the object frame (assembly position)",
        "objects": object_entries(tasks, scales),
    }
    if distractors:
        data["distractors"] = {
            "generator": "arena.objects.toys.draw_toy",
            "seed": DISTRACTOR_SEED,
            "count": DISTRACTOR_COUNT,
        }
    files = [file_entry(item, report) for item, report in zip(items, reports, strict=True)]
    data["totals"] = totals(files)
    data["files"] = files
    header = "# Arena printable release. Generated by `arena print-models`; CI checks it matches the generator.\n"
    return header + yaml.safe_dump(data, sort_keys=False, width=120, default_flow_style=None)
