"""Argument signatures of the task-file languages (success predicates, expert skills) and their one check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from arena.errors import TaskSpecError


@dataclass(frozen=True)
class Signature:
    """Arguments a predicate or skill takes; those in ``objects`` must name task objects (or hold a placeholder)."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()


def check_arguments(
    signature: Signature, args: Any, object_names: set[str], where: str, error: type[TaskSpecError]
) -> None:
    """Raise ``error`` naming ``where`` unless ``args`` fits ``signature`` and names only task objects."""
    if not isinstance(args, Mapping):
        raise error(f"{where}: expected a mapping of arguments {list(signature.required)}")
    missing = set(signature.required) - set(args)
    extra = set(args) - set(signature.required) - set(signature.optional)
    if missing or extra:
        raise error(
            f"{where}: missing {sorted(missing)} / unexpected {sorted(extra)}; "
            f"required {list(signature.required)}, optional {list(signature.optional)}"
        )
    for key in signature.objects:
        value = str(args[key])
        if "{" not in value and value not in object_names:
            raise error(f"{where}.{key}: unknown object {value!r}; task objects: {sorted(object_names)}")
