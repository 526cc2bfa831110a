"""Drawing an episode: ``(task, axis, seed) -> EpisodeConfig``, a pure function of its arguments.

Nothing here imports MuJoCo: the leaderboard validator and the real-robot operator guide derive exactly the
episodes the simulator plays. Each consumer draws from its own stream of the seed (layout, variant, joints,
instruction, colours, ``axis/<Name>``), so an axis's values are the same alone or within ``All``, and object
layouts are the same under every axis (episodes are paired).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from arena.errors import EpisodeConfigError
from arena.spec.axes import AXES, AxisValue, Footprint, SamplingContext, get_axis, resolve_axes
from arena.spec.axis_names import AXIS_NAMES, PERTURBATION_AXES, SIZE_AXIS_BY_ROLE
from arena.spec.episode import EpisodeConfig, child_rng
from arena.spec.layout import displaced_objects, draw_layout, home_poses, layout_radii, sample_variant, yaw_of_quat
from arena.spec.task import TaskSpec, load_task, object_variants
from arena.spec.textures import SPLITS

SIZE_AXES = frozenset(SIZE_AXIS_BY_ROLE.values())


def instruction_template(task: TaskSpec, seed: int) -> str:
    """The instruction template an episode uses, drawn from the seed's ``instruction`` stream."""
    return task.instructions[int(child_rng(seed, "instruction").integers(len(task.instructions)))]


def render_instruction(
    template: str, task: TaskSpec, variant: Mapping[str, str], colors: Mapping[str, str] | None = None
) -> str:
    """Fill an instruction template with variant values and object colour names (nominal unless given)."""
    colors = colors or {}
    values = {f"{o.name}_color": colors.get(o.name, o.color) for o in task.objects}
    values.update(variant)
    for placeholder, key in object_variants(
        task.variants, [o.name for o in task.objects]
    ).items():  # {target_cup_color}
        if key in variant:
            values[placeholder] = colors.get(variant[key], task.object(variant[key]).color)
    return template.format_map(values)


def footprints(
    task: TaskSpec, poses: Mapping[str, tuple[float, ...]], at_home: tuple[str, ...] = ()
) -> dict[str, Footprint]:
    """Each object's initial footprint: its position and the radius at the largest size it may be drawn.

    ``poses`` of the objects in ``at_home`` are taken at their host's nominal size; their radius grows by how far
    any size the host may be drawn at moves the home site, so the footprints (and what axes draw from them, such
    as distractor places) are the same under every axis.
    """
    radii = layout_radii(task)
    for name in at_home:
        home = task.object(name).home
        host = task.object(home.object)
        low, high = task.size_range(host)
        site = host.shape.parts()[0].sites[home.site]
        radii[name] += float(np.hypot(site[0], site[1])) * max(1.0 - low, high - 1.0, 0.0)
    return {name: Footprint(pose[0], pose[1], radii[name], yaw_of_quat(pose[3:])) for name, pose in poses.items()}


def sample_episode(
    task: TaskSpec | str, axis: str = "None", seed: int = 0, texture_split: str = "test"
) -> EpisodeConfig:
    """The episode ``(task, axis, seed)``: layout, variant, joints, instruction and every perturbation value.

    Args:
        task: A task spec or a task name.
        axis: ``None``, one of the 14 axes, or ``All`` (every applicable axis).
        seed: Non-negative episode seed.
        texture_split: Which textures the texture axes draw (``test``: held out, the evaluation default).
    """
    task = load_task(task) if isinstance(task, str) else task
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise EpisodeConfigError(f"seed must be a non-negative integer, got {seed!r}")
    if texture_split not in SPLITS:
        raise EpisodeConfigError(f"unknown texture_split {texture_split!r}; valid: {', '.join(SPLITS)}")
    seed = int(seed)
    axes = resolve_axes(axis, task)
    variant = sample_variant(task, seed)
    joint_rng = child_rng(seed, "joints")
    joints = {
        f"{obj.name}/{part}": float(joint_rng.uniform(*bounds))
        for obj in task.objects
        for part, bounds in sorted(obj.initial_joints.items())
    }
    sizes: dict[str, AxisValue] = {}
    if task.homed_objects():  # home poses follow the host's size factor, drawn first (size axes read no layout)
        sized = SamplingContext(task, seed, {}, texture_split)
        sizes = {a.name: a.sample(sized) for a in axes if a.name in SIZE_AXES}
    scales = {obj: f for value in sizes.values() for obj, f in value.factors.items()}  # type: ignore[attr-defined]
    displaced = displaced_objects(task, seed, variant)
    drawn = draw_layout(task, seed, displaced)
    poses = home_poses(task, drawn, scales) if task.homed_objects() else drawn
    at_home = tuple(o.name for o in task.homed_objects() if o.name not in displaced)
    nominal = home_poses(task, drawn, {}) if at_home else poses  # footprints never follow a size draw
    ctx = SamplingContext(task, seed, footprints(task, nominal, at_home), texture_split)
    values = {a.name: sizes[a.name] if a.name in sizes else a.sample(ctx) for a in axes}
    colors = {**_colors(values.get("ObjectColor")), **_colors(values.get("ReceiverColor"))}
    return EpisodeConfig(
        task=task.name,
        seed=seed,
        axis=axis,
        variant=variant,
        instruction=render_instruction(instruction_template(task, seed), task, variant, colors),
        object_poses=poses,
        joint_positions=joints,
        perturbations={name: value.to_json() for name, value in values.items()},
    )


def _colors(value: AxisValue | None) -> dict[str, str]:
    return dict(value.colors) if value is not None else {}  # type: ignore[attr-defined]


def parse_perturbations(config: EpisodeConfig, task: TaskSpec) -> dict[str, AxisValue]:
    """The config's perturbations as typed values, in report order; refuse unknown, inapplicable or bad values."""
    for name in config.perturbations:
        if name not in AXES:
            raise EpisodeConfigError(f"unknown perturbation axis {name!r}; valid axes: {', '.join(PERTURBATION_AXES)}")
    parsed = {}
    for name in PERTURBATION_AXES:
        if name in config.perturbations:
            axis = get_axis(name)
            if not axis.applicable(task):
                raise EpisodeConfigError(f"axis {name} is not applicable to {task.name}")
            parsed[name] = axis.parse(config.perturbations[name], task)
    return parsed


def coerce_config(config: EpisodeConfig | Mapping[str, Any] | str, task: TaskSpec) -> EpisodeConfig:
    """An :class:`EpisodeConfig` from a config, its dict or its JSON text, checked against ``task``."""
    if isinstance(config, str):
        config = EpisodeConfig.from_json(config)
    elif isinstance(config, Mapping):
        config = EpisodeConfig.from_dict(config)
    elif not isinstance(config, EpisodeConfig):
        raise EpisodeConfigError(
            f"episode_config must be an EpisodeConfig, dict or JSON text, got {type(config).__name__}"
        )
    config.validate_for(task)
    if config.axis not in AXIS_NAMES:
        raise EpisodeConfigError(f"episode config axis {config.axis!r} unknown; valid: {', '.join(AXIS_NAMES)}")
    parse_perturbations(config, task)
    return config
