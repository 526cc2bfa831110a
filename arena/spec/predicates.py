"""Declarative success predicates: each YAML ``success`` entry names one of these with its arguments.

A predicate is checked against the task's objects when the task file loads (bad names fail early) and is
evaluated after every control step on a :class:`SceneQuery`, the privileged view of the simulation that the sim
layer implements (:class:`arena.sim.scene_state.SceneState`). Nothing here imports the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np

from arena.errors import TaskSpecError
from arena.spec.signatures import Signature, check_arguments


class PredicateError(TaskSpecError):
    """A success predicate that names an unknown predicate, object or argument."""


class SceneQuery(Protocol):
    """The questions predicates ask of a running simulation (positions in metres, world frame)."""

    def touching(self, first: str, second: str) -> bool: ...
    def touching_table(self, name: str) -> bool: ...
    def touching_gripper(self, name: str) -> bool: ...
    def grasped(self, name: str) -> bool: ...
    def site_pos(self, obj: str, site: str) -> np.ndarray: ...
    def footprint_radius(self, name: str) -> float: ...
    def joint_value(self, obj: str, joint: str) -> float: ...


def _on_top_of(state: SceneQuery, object: str, support: str) -> bool:  # noqa: A002 - YAML field name
    """``object`` rests on ``support``: touching it, above it, and not touching the table."""
    return (
        state.touching(object, support)
        and not state.touching_table(object)
        and state.site_pos(object, "center")[2] > state.site_pos(support, "top")[2]
    )


def _released(state: SceneQuery, object: str) -> bool:  # noqa: A002
    """Neither finger touches ``object``."""
    return not state.touching_gripper(object)


def _grasped(state: SceneQuery, object: str) -> bool:  # noqa: A002
    """Both fingers touch ``object``."""
    return state.grasped(object)


def _inside_region(state: SceneQuery, object: str, region: str, radius: float | None = None) -> bool:  # noqa: A002
    """The centre of ``object`` lies within ``radius`` metres (default: the region's footprint) of ``region``."""
    limit = state.footprint_radius(region) if radius is None else float(radius)
    offset = state.site_pos(object, "center")[:2] - state.site_pos(region, "center")[:2]
    return float(np.linalg.norm(offset)) <= limit


def _joint_beyond(
    state: SceneQuery,
    object: str,  # noqa: A002
    joint: str,
    greater_than: float | None = None,
    less_than: float | None = None,
) -> bool:
    """The joint ``object/joint`` is above ``greater_than`` and/or below ``less_than`` (radians or metres)."""
    value = state.joint_value(object, joint)
    return (greater_than is None or value > greater_than) and (less_than is None or value < less_than)


PREDICATES: dict[str, tuple[Callable[..., bool], Signature]] = {
    "on_top_of": (_on_top_of, Signature(("object", "support"), objects=("object", "support"))),
    "released": (_released, Signature(("object",), objects=("object",))),
    "grasped": (_grasped, Signature(("object",), objects=("object",))),
    "inside_region": (
        _inside_region,
        Signature(("object", "region"), ("radius",), objects=("object", "region")),
    ),
    "joint_beyond": (
        _joint_beyond,
        Signature(("object", "joint"), ("greater_than", "less_than"), objects=("object",)),
    ),
}
COMBINATORS = ("all", "any")


def check_predicate(tree: Any, object_names: set[str], where: str) -> None:
    """Validate a predicate tree; raise :class:`PredicateError` naming ``where``, the field and what is allowed."""
    if not isinstance(tree, Mapping) or len(tree) != 1:
        raise PredicateError(
            f"{where}: expected a mapping with exactly one key out of {sorted(PREDICATES) + list(COMBINATORS)}"
        )
    ((name, args),) = tree.items()
    if name in COMBINATORS:
        if not isinstance(args, list) or not args:
            raise PredicateError(f"{where}.{name}: expected a non-empty list of predicates")
        for index, child in enumerate(args):
            check_predicate(child, object_names, f"{where}.{name}[{index}]")
        return
    if name not in PREDICATES:
        raise PredicateError(f"{where}: unknown predicate {name!r}; valid: {sorted(PREDICATES) + list(COMBINATORS)}")
    check_arguments(PREDICATES[name][1], args, object_names, f"{where}.{name}", PredicateError)


def resolve(tree: Any, variables: Mapping[str, str]) -> Any:
    """Substitute ``{variant}`` placeholders in every string of a predicate tree or plan."""
    if isinstance(tree, str):
        return tree.format_map(variables)
    if isinstance(tree, Mapping):
        return {key: resolve(value, variables) for key, value in tree.items()}
    if isinstance(tree, list):
        return [resolve(value, variables) for value in tree]
    return tree


def evaluate(tree: Mapping[str, Any], state: SceneQuery) -> bool:
    """Evaluate a resolved predicate tree on the current simulation state."""
    ((name, args),) = tree.items()
    if name == "all":
        return all(evaluate(child, state) for child in args)
    if name == "any":
        return any(evaluate(child, state) for child in args)
    return bool(PREDICATES[name][0](state, **args))
