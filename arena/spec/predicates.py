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

    def touching(self, first: str, second: str, part: str | None = None) -> bool: ...
    def touching_table(self, name: str) -> bool: ...
    def touching_gripper(self, name: str) -> bool: ...
    def grasped(self, name: str) -> bool: ...
    def site_pos(self, obj: str, site: str) -> np.ndarray: ...
    def footprint_radius(self, name: str) -> float: ...
    def joint_value(self, obj: str, joint: str) -> float: ...
    def object_axis(self, obj: str, axis: str) -> np.ndarray: ...
    def previous_site_pos(self, obj: str, site: str) -> np.ndarray: ...
    def initial_joint_value(self, obj: str, joint: str) -> float: ...
    def dirt_left(self, name: str) -> int: ...


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


def _touching(state: SceneQuery, object: str, other: str, part: str | None = None) -> bool:  # noqa: A002
    """Some geom of ``object`` touches some geom of ``other`` (of its part ``part`` if given: a fridge's lever)."""
    return state.touching(object, other, part)


def _joint_moved(state: SceneQuery, object: str, joint: str, by: float) -> bool:  # noqa: A002
    """The joint ``object/joint`` has moved by more than ``by`` from where the episode started: up if ``by`` is
    positive, down if negative (radians or metres; a lid closed by more than 1.79 rad is ``by: -1.79``)."""
    moved = state.joint_value(object, joint) - state.initial_joint_value(object, joint)
    return moved > float(by) if float(by) >= 0 else moved < float(by)


def _on_table(state: SceneQuery, object: str) -> bool:  # noqa: A002
    """``object`` touches the table top."""
    return state.touching_table(object)


def _site_near(
    state: SceneQuery,
    object: str,  # noqa: A002
    site: str,
    target: str,
    target_site: str,
    within: float,
    height: tuple[float, float] | None = None,
) -> bool:
    """Site ``object/site`` lies within ``within`` metres of ``target/target_site`` seen from above, and (if given)
    its height above that site is inside ``height = [low, high]`` metres."""
    point, anchor = state.site_pos(object, site), state.site_pos(target, target_site)
    if float(np.linalg.norm(point[:2] - anchor[:2])) > float(within):
        return False
    if height is None:
        return True
    low, high = (float(v) for v in height)
    return low <= float(point[2] - anchor[2]) <= high


_AXES = {"x": 0, "y": 1, "z": 2}


def _tilt(
    state: SceneQuery,
    object: str,  # noqa: A002
    axis: str = "z",
    min: float | None = None,  # noqa: A002
    max: float | None = None,  # noqa: A002
) -> bool:
    """The angle (radians) between the object's ``axis`` (x, y or z of its frame) and world up is in ``[min, max]``:
    ``{axis: z, max: 0.3}`` is upright, ``{axis: z, min: 1.27}`` lies on its side."""
    direction = state.object_axis(object, axis)
    angle = float(np.arccos(np.clip(direction[2], -1.0, 1.0)))
    return (min is None or angle >= float(min)) and (max is None or angle <= float(max))


def _passes_through(state: SceneQuery, object: str, ring: str, site: str, edge_site: str) -> bool:  # noqa: A002
    """During the last control step the centre of ``object`` crossed the horizontal plane of ``ring/site`` going
    down, at a point closer to the site than ``ring/edge_site`` is (inside the ring's opening)."""
    before, now = state.previous_site_pos(object, "center"), state.site_pos(object, "center")
    center, edge = state.site_pos(ring, site), state.site_pos(ring, edge_site)
    plane = center[2]
    if not (before[2] > plane >= now[2]):
        return False
    fraction = (before[2] - plane) / (before[2] - now[2])
    crossing = before[:2] + fraction * (now[:2] - before[:2])
    return float(np.linalg.norm(crossing - center[:2])) < float(np.linalg.norm(edge[:2] - center[:2]))


def _dirt_left(state: SceneQuery, dirt: str, at_most: int = 0) -> bool:
    """At most ``at_most`` specks of the dirt patch ``dirt`` are still on the desk (not yet wiped off)."""
    return state.dirt_left(dirt) <= int(at_most)


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
    "touching": (_touching, Signature(("object", "other"), ("part",), objects=("object", "other"))),
    "joint_moved": (_joint_moved, Signature(("object", "joint", "by"), objects=("object",))),
    "on_table": (_on_table, Signature(("object",), objects=("object",))),
    "site_near": (
        _site_near,
        Signature(("object", "site", "target", "target_site", "within"), ("height",), objects=("object", "target")),
    ),
    "tilt": (_tilt, Signature(("object",), ("axis", "min", "max"), objects=("object",))),
    "dirt_left": (_dirt_left, Signature(("dirt",), ("at_most",), objects=("dirt",))),
    "passes_through": (
        _passes_through,
        Signature(("object", "ring", "site", "edge_site"), objects=("object", "ring")),
    ),
}
#: ``all`` and ``any`` take a list of predicates, ``not`` takes one.
COMBINATORS = ("all", "any", "not")


def check_predicate(tree: Any, object_names: set[str], where: str) -> None:
    """Validate a predicate tree; raise :class:`PredicateError` naming ``where``, the field and what is allowed."""
    if not isinstance(tree, Mapping) or len(tree) != 1:
        raise PredicateError(
            f"{where}: expected a mapping with exactly one key out of {sorted(PREDICATES) + list(COMBINATORS)}"
        )
    ((name, args),) = tree.items()
    if name == "not":
        check_predicate(args, object_names, f"{where}.not")
        return
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
    if name == "not":
        return not evaluate(args, state)
    return bool(PREDICATES[name][0](state, **args))
