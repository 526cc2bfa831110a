"""The scripted expert solves every task (a sample here; benchmarks/expert_success.py reports full rates)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from arena.eval.evaluation import run_episode
from arena.policies import RandomPolicy, ScriptedExpert

from .conftest import TASKS

SAMPLE_SEEDS = range(100, 105)


@pytest.mark.parametrize("task", TASKS)
def test_expert_solves_a_sample_of_seeds(task):
    env = gym.make(f"Arena-{task}", obs_mode="state")
    expert = ScriptedExpert(env)
    results = [run_episode(env, expert, seed)[0] for seed in SAMPLE_SEEDS]
    env.close()
    assert all(r["error"] is None for r in results)
    successes = sum(r["success"] for r in results)
    assert successes >= len(SAMPLE_SEEDS) - 1, [r["steps"] for r in results]


@pytest.mark.parametrize("task", TASKS)
def test_no_initial_state_is_a_success_and_holding_still_never_becomes_one(task):
    """Success predicates never fire by accident: not at reset, not while the robot stays at home for a second."""
    hold = np.zeros(7, dtype=np.float32)
    hold[6] = -1.0  # gripper open, as at reset
    for axis in ("None", "All"):
        env = gym.make(f"Arena-{task}-{axis}", obs_mode="state")
        for seed in range(3):
            env.reset(seed=seed)
            for step in range(20):
                _, _, terminated, _, info = env.step(hold)
                assert not terminated, f"{task}-{axis} seed {seed}: success after {step + 1} still steps"
        env.close()


@pytest.mark.parametrize("task", TASKS)
def test_random_policy_does_not_solve_tasks(task):
    env = gym.make(f"Arena-{task}", obs_mode="state")
    outcome, _ = run_episode(env, RandomPolicy(env), seed=1, max_steps=60)
    env.close()
    assert not outcome["success"]


def test_expert_follows_the_drawer_named_in_the_instruction():
    env = gym.make("Arena-OpenDrawer", obs_mode="state")
    expert = ScriptedExpert(env)
    opened = {}
    for seed in range(12):
        outcome, _ = run_episode(env, expert, seed)
        drawer = outcome["episode_config"].variant["drawer"]
        assert drawer in outcome["episode_config"].instruction
        values = {
            name: env.unwrapped.scene_state.joint_value("cabinet", f"drawer_{name}")
            for name in ("bottom", "middle", "top")
        }
        assert max(values, key=values.get) == drawer
        opened[drawer] = outcome["success"]
    env.close()
    assert set(opened) == {"bottom", "middle", "top"}


def test_expert_requires_ee_delta_control():
    env = gym.make("Arena-StackBlocks", obs_mode="state", control_mode="joint_pos")
    with pytest.raises(ValueError, match="ee_delta"):
        ScriptedExpert(env)
    env.close()


def test_expert_episode_is_deterministic():
    env = gym.make("Arena-SlideBlockToTarget", obs_mode="state")
    expert = ScriptedExpert(env)
    runs = []
    for _ in range(2):
        run_episode(env, expert, 3)
        runs.append(env.unwrapped.data.qpos.copy())
    env.close()
    np.testing.assert_array_equal(runs[0], runs[1])


#: The axes the perturbed-episode sample takes in turn, one per task (each on a quarter of the tasks).
PERTURBED_SAMPLE = ("All", "ObjectSize", "Distractors", "Mass")


@pytest.mark.parametrize(
    ("task", "axis"), [(task, PERTURBED_SAMPLE[i % len(PERTURBED_SAMPLE)]) for i, task in enumerate(TASKS)]
)
def test_expert_still_solves_perturbed_episodes(task, axis):
    """A perturbation that makes a task impossible is a benchmark bug: a sample here, every task x axis cell in
    benchmarks/axis_solvability.py (docs/solvability.md)."""
    env = gym.make(f"Arena-{task}-{axis}", obs_mode="state")
    expert = ScriptedExpert(env)
    results = [run_episode(env, expert, seed)[0] for seed in range(200, 203)]
    env.close()
    assert all(r["episode_config"].perturbations for r in results)
    assert sum(r["success"] for r in results) >= 2, [r["steps"] for r in results]


def test_the_expert_implements_exactly_the_plan_language_of_the_spec_layer():
    import inspect

    from arena.policies.expert import SKILLS
    from arena.spec.skills import SKILL_SIGNATURES

    assert set(SKILLS) == set(SKILL_SIGNATURES)
    for name, skill in SKILLS.items():
        parameters = inspect.signature(skill).parameters
        arguments = [p for p in parameters if p != "ctx"]
        required = [p for p in arguments if parameters[p].default is inspect.Parameter.empty]
        optional = [p for p in arguments if parameters[p].default is not inspect.Parameter.empty]
        assert tuple(required) == SKILL_SIGNATURES[name].required, name
        assert tuple(optional) == SKILL_SIGNATURES[name].optional, name
