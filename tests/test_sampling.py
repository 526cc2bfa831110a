"""Episode sampling (arena.spec.sampling): a pure function of (task, axis, seed) whose instructions always name
their objects unambiguously."""

from __future__ import annotations

import re

import pytest

from arena.errors import EpisodeConfigError
from arena.spec.axes import axis_applies
from arena.spec.axes.colors import perturbed_colours
from arena.spec.colors import NAMED_COLORS
from arena.spec.layout import displaced_objects, sample_layout
from arena.spec.sampling import coerce_config, sample_episode
from arena.spec.task import load_task

from .conftest import TASKS

COLOUR_AXES = ("ObjectColor", "ReceiverColor", "Distractors", "All")
SEEDS = range(500)
#: Seeds of the instruction test (each draws a whole episode config, so fewer).
INSTRUCTION_SEEDS = range(150)
_WORD = re.compile(r"[a-z]+")


def scene_colours(config, task) -> list[tuple[str, str]]:
    """(thing, colour) of every coloured thing an episode shows: task objects and distractor toys."""
    perturbed = {**config.perturbations.get("ObjectColor", {}), **config.perturbations.get("ReceiverColor", {})}
    things = [(obj.name, perturbed.get(obj.name, obj.color)) for obj in task.objects]
    toys = config.perturbations.get("Distractors", {}).get("toys", [])
    return things + [(f"toy {i}", toy["color"]) for i, toy in enumerate(toys)]


@pytest.mark.parametrize("axis", COLOUR_AXES)
@pytest.mark.parametrize("name", TASKS)
def test_every_colour_word_of_an_instruction_names_exactly_one_thing(name, axis):
    task = load_task(name)
    if not axis_applies(axis, task):
        pytest.skip(f"{axis} does not apply to {name}")
    for seed in INSTRUCTION_SEEDS:
        config = sample_episode(task, axis, seed)
        colours = scene_colours(config, task)
        for word in set(_WORD.findall(config.instruction)) & set(NAMED_COLORS):
            holders = [thing for thing, colour in colours if colour == word]
            assert len(holders) == 1, f"{name}-{axis} seed {seed}: {config.instruction!r}: '{word}' is {holders}"


@pytest.mark.parametrize("name", TASKS)
def test_perturbed_colours_are_never_nominal_and_never_shared(name):
    task = load_task(name)
    nominal = {obj.name: obj.color for obj in task.objects}
    for seed in SEEDS:
        drawn = perturbed_colours(task, seed)
        assert all(drawn[obj] != nominal[obj] for obj in nominal), f"seed {seed}: {drawn} vs nominal {nominal}"
        assert len(set(drawn.values())) == len(drawn)
        assert not set(drawn.values()) & set(nominal.values())


@pytest.mark.parametrize("name", TASKS)
def test_an_axis_draws_the_same_values_alone_and_within_all(name):
    task = load_task(name)
    for seed in range(20):
        combined = sample_episode(task, "All", seed)
        for axis, value in combined.perturbations.items():
            assert sample_episode(task, axis, seed).perturbations == {axis: value}
        plain = sample_episode(task, "None", seed).object_poses
        # every object drawn by the layout stands where it stands under every axis; an object at its home follows
        # its host's pose and size factor (the board under ReceiverSize)
        at_home = {o.name for o in task.homed_objects()} - set(displaced_objects(task, seed, combined.variant))
        assert {n: p for n, p in plain.items() if n not in at_home} == {
            n: p for n, p in combined.object_poses.items() if n not in at_home
        }
        scales = {o: f for a in ("ObjectSize", "ReceiverSize") for o, f in combined.perturbations.get(a, {}).items()}
        assert sample_layout(task, seed, scales=scales) == combined.object_poses
        assert sample_layout(task, seed) == plain


def test_colour_axes_change_the_instruction_and_the_object_together():
    task = load_task("StackBlocks")
    plain = sample_episode(task, "None", 6)
    moved = sample_episode(task, "All", 6)
    top, bottom = moved.perturbations["ObjectColor"]["top_block"], moved.perturbations["ReceiverColor"]["bottom_block"]
    assert top != bottom and "red" in plain.instruction and "green" in plain.instruction
    assert top in moved.instruction and bottom in moved.instruction


def test_sampling_is_a_pure_function_of_its_arguments():
    first = sample_episode("OpenDrawer", "All", 123)
    assert sample_episode("OpenDrawer", "All", 123) == first
    assert sample_episode("OpenDrawer", "All", 123, texture_split="train") != first


def test_a_scale_group_draws_one_factor_and_a_config_with_unequal_factors_is_refused():
    task = load_task("StackCups")
    config = sample_episode(task, "ObjectSize", 3)
    factors = config.perturbations["ObjectSize"]
    assert len(set(factors.values())) == 1 and set(factors) == {"cup_a", "cup_b", "cup_c"}
    raw = config.to_dict()
    raw["perturbations"]["ObjectSize"]["cup_b"] = min(1.25, factors["cup_a"] + 0.1)
    with pytest.raises(EpisodeConfigError, match="cup_b .* differs from cup_a .*one factor per group"):
        coerce_config(raw, task)
    # Mass and Friction stay per object (each cup its own mass)
    assert len(set(sample_episode(task, "Mass", 3).perturbations["Mass"].values())) == 3


def test_a_variant_of_object_names_names_the_chosen_object_by_its_colour():
    task = load_task("StackCups")
    nominal = {o.name: o.color for o in task.objects}
    for seed in range(30):
        plain = sample_episode(task, "None", seed)
        assert nominal[plain.variant["target_cup"]] in plain.instruction
        moved = sample_episode(task, "ObjectColor", seed)
        colour = moved.perturbations["ObjectColor"][moved.variant["target_cup"]]
        assert colour in moved.instruction and not any(c in moved.instruction for c in nominal.values())


@pytest.mark.parametrize("name", TASKS)
def test_every_distractors_episode_places_at_least_one_toy(name):
    """A Distractors episode without a toy would equal its unperturbed twin: large receivers leave room."""
    empty = [s for s in range(150) if not sample_episode(name, "Distractors", s).perturbations["Distractors"]["toys"]]
    assert not empty, f"{name}: no toy placed on seeds {empty}"
