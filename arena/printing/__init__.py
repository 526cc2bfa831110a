"""Printable objects: STL export of every task object, its size variants and the distractor toys.

The parts are built from the same parametric primitives the scene builder turns into MuJoCo geoms
(``arena/objects/shapes.py``), so a printed object is the simulated object at the same scale. Modules:
``mesh`` (primitives to solids), ``features`` (print-only features: hinge pin, clearances, the cabinet's hollow
stand), ``bed`` (the build volume, :data:`DEFAULT_BED_MM` unless given; cutting and orienting parts for it),
``checks`` (printability checks), ``stl`` (reproducible binary STL, atomic writes), ``export`` (the release) and
``manifest`` (``manifest.yaml``). ``arena print-models`` runs it.
"""

from arena.printing.bed import DEFAULT_BED_MM
from arena.printing.checks import CheckReport, check_mesh
from arena.printing.errors import CheckFailure, PrintabilityError, PrintExportError
from arena.printing.export import (
    PrintItem,
    export_release,
    plan_release,
    release_scales,
    resolve_tasks,
    scale_label,
)
from arena.printing.features import PrintableObject, PrintablePart, printable_object

__all__ = [
    "DEFAULT_BED_MM",
    "CheckFailure",
    "CheckReport",
    "PrintExportError",
    "PrintItem",
    "PrintabilityError",
    "PrintableObject",
    "PrintablePart",
    "check_mesh",
    "export_release",
    "plan_release",
    "printable_object",
    "release_scales",
    "resolve_tasks",
    "scale_label",
]
