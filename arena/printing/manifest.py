"""``manifest.yaml``: one entry per printed file, plus the settings the release was made with.

Values are rounded (0.01 mm, 0.01 cm^3, 0.1 g, 0.1 mm for measured wall thickness) so the text is stable, and
keys keep a fixed order; the CI drift test compares this file byte for byte with a fresh export.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version

import numpy as np
import yaml

from arena.printing import bed, checks, features, mesh
from arena.printing.checks import CheckReport
from arena.printing.export import DISTRACTOR_COUNT, DISTRACTOR_SEED, PrintItem, release_scales, scale_range
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


def manifest_text(
    items: Sequence[PrintItem],
    reports: Sequence[CheckReport],
    tasks: Sequence[TaskSpec],
    scales: Sequence[float] | None,
    distractors: bool,
) -> str:
    """The text of ``manifest.yaml`` for a checked export."""
    data = {
        "generator": "arena print-models (arena/printing); regenerate, never edit by hand",
        "made_with": {"manifold3d": version("manifold3d")},  # its triangulation decides the STL bytes
        "units": "millimetres; STL files lie in their print orientation, centred on the bed",
        "density": {"material": DENSITY_MATERIAL, "g_per_cm3": DENSITY_G_CM3, "mass_g": "solid (100% infill)"},
        "bed_mm": list(bed.BED_MM),
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
        "to_object_mm": "3x4 transform from the file's coordinates to the object frame (assembly position)",
        "objects": object_entries(tasks, scales),
    }
    if distractors:
        data["distractors"] = {
            "generator": "arena.objects.toys.draw_toy",
            "seed": DISTRACTOR_SEED,
            "count": DISTRACTOR_COUNT,
        }
    data["files"] = [file_entry(item, report) for item, report in zip(items, reports, strict=True)]
    header = "# Arena printable release. Generated by `arena print-models`; CI checks it matches the generator.\n"
    return header + yaml.safe_dump(data, sort_keys=False, width=120, default_flow_style=None)
