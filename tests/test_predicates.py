"""Success predicates on hand-made scene states (no simulator), and ``place_at`` landing an object on a site."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from arena.policies import ScriptedExpert
from arena.spec.predicates import PredicateError, check_predicate, evaluate


class FakeScene:
    """A :class:`~arena.spec.predicates.SceneQuery` whose answers are set by the test."""

    def __init__(self) -> None:
        self.sites: dict[tuple[str, str], np.ndarray] = {}
        self.previous: dict[tuple[str, str], np.ndarray] = {}
        self.axes: dict[tuple[str, str], np.ndarray] = {}
        self.contacts: set[frozenset[str]] = set()
        self.joints: dict[tuple[str, str], float] = {}
        self.initial_joints: dict[tuple[str, str], float] = {}

    def site_pos(self, obj: str, site: str) -> np.ndarray:
        return np.asarray(self.sites[obj, site], float)

    def previous_site_pos(self, obj: str, site: str) -> np.ndarray:
        return np.asarray(self.previous.get((obj, site), self.sites[obj, site]), float)

    def object_axis(self, obj: str, axis: str) -> np.ndarray:
        return np.asarray(self.axes[obj, axis], float)

    def touching(self, first: str, second: str, part: str | None = None) -> bool:
        return frozenset({first, second if part is None else f"{second}/{part}"}) in self.contacts

    def joint_value(self, obj: str, joint: str) -> float:
        return self.joints[obj, joint]

    def initial_joint_value(self, obj: str, joint: str) -> float:
        return self.initial_joints[obj, joint]

    def touching_table(self, name: str) -> bool:
        return self.touching(name, "table")


def site_near(**extra):
    return {"site_near": {"object": "ring", "site": "center", "target": "base", "target_site": "peg", **extra}}


def test_site_near_measures_horizontal_distance_and_optional_height():
    scene = FakeScene()
    scene.sites["base", "peg"] = np.array([0.5, 0.0, 0.01])
    scene.sites["ring", "center"] = np.array([0.508, 0.0, 0.03])  # 8 mm off the axis, 2 cm above
    assert evaluate(site_near(within=0.01), scene)
    assert not evaluate(site_near(within=0.005), scene)
    assert evaluate(site_near(within=0.01, height=[0.0, 0.025]), scene)
    assert not evaluate(site_near(within=0.01, height=[0.0, 0.015]), scene)
    assert not evaluate(site_near(within=0.01, height=[0.025, 0.05]), scene)


@pytest.mark.parametrize(
    ("direction", "upright", "lying"),
    [((0, 0, 1), True, False), ((1, 0, 0), False, True), ((0, np.sin(0.5), np.cos(0.5)), False, False)],
)
def test_tilt_tells_upright_from_lying(direction, upright, lying):
    scene = FakeScene()
    scene.axes["bottle", "z"] = np.array(direction, float)
    assert evaluate({"tilt": {"object": "bottle", "max": 0.3}}, scene) is upright
    assert evaluate({"tilt": {"object": "bottle", "axis": "z", "min": 1.27}}, scene) is lying


@pytest.mark.parametrize(
    ("start", "now", "by", "expected"),
    [
        (2.0, 0.15, -1.79, True),  # a lid closed by 1.85 rad
        (2.0, 0.25, -1.79, False),  # closed by only 1.75 rad
        (1.85, 0.05, -1.79, True),
        (0.0, 1.6, 1.5, True),  # a knob turned on by 1.6 rad
        (0.2, 1.6, 1.5, False),  # 1.4 rad from where it started
        (1.0, -0.6, 1.5, False),  # turned the wrong way
    ],
)
def test_joint_moved_measures_from_the_episode_start(start, now, by, expected):
    scene = FakeScene()
    scene.initial_joints["laptop", "lid"] = start
    scene.joints["laptop", "lid"] = now
    assert evaluate({"joint_moved": {"object": "laptop", "joint": "lid", "by": by}}, scene) is expected


def test_touching_a_named_part():
    scene = FakeScene()
    scene.contacts = {frozenset({"cup", "fridge/door"})}
    pressed = {"touching": {"object": "cup", "other": "fridge", "part": "lever"}}
    assert not evaluate(pressed, scene)
    assert evaluate({"touching": {"object": "cup", "other": "fridge", "part": "door"}}, scene)
    scene.contacts.add(frozenset({"cup", "fridge/lever"}))
    assert evaluate(pressed, scene)


def test_touching_on_table_and_not():
    scene = FakeScene()
    scene.contacts = {frozenset({"notes", "safe"})}
    rests = {"all": [{"touching": {"object": "notes", "other": "safe"}}, {"not": {"on_table": {"object": "notes"}}}]}
    assert evaluate(rests, scene)
    scene.contacts.add(frozenset({"notes", "table"}))
    assert not evaluate(rests, scene)


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        ((0.50, 0.0, 0.32), (0.50, 0.0, 0.28), True),  # straight down through the middle
        ((0.47, 0.0, 0.31), (0.49, 0.0, 0.29), True),  # slanting, crossing 2 cm off centre
        ((0.50, 0.0, 0.28), (0.50, 0.0, 0.32), False),  # upward
        ((0.50, 0.0, 0.35), (0.50, 0.0, 0.31), False),  # still above the rim
        ((0.56, 0.0, 0.31), (0.56, 0.0, 0.29), False),  # outside the ring
    ],
)
def test_passes_through_needs_a_downward_crossing_inside_the_ring(before, now, expected):
    scene = FakeScene()
    scene.sites["hoop", "rim"] = np.array([0.5, 0.0, 0.30])
    scene.sites["hoop", "rim_edge"] = np.array([0.545, 0.0, 0.30])  # opening radius 4.5 cm
    scene.previous["ball", "center"] = np.array(before)
    scene.sites["ball", "center"] = np.array(now)
    tree = {"passes_through": {"object": "ball", "ring": "hoop", "site": "rim", "edge_site": "rim_edge"}}
    assert evaluate(tree, scene) is expected


def test_not_takes_exactly_one_predicate():
    check_predicate({"not": {"on_table": {"object": "a"}}}, {"a"}, "success")
    with pytest.raises(PredicateError, match="success.not"):
        check_predicate({"not": [{"on_table": {"object": "a"}}]}, {"a"}, "success")
    with pytest.raises(PredicateError, match="unknown object 'b'"):
        check_predicate({"not": {"on_table": {"object": "b"}}}, {"a"}, "success")


def test_place_at_lands_the_objects_site_on_the_target_site():
    env = gym.make("Arena-StackBlocks", obs_mode="state")
    unwrapped = env.unwrapped
    expert = ScriptedExpert(env)
    offsets = []
    for seed in range(3):
        env.reset(seed=seed)
        plan = [
            {"pick": {"object": "top_block"}},
            {"place_at": {"object": "top_block", "target": "bottom_block", "target_site": "top", "height": 0.03}},
        ]
        unwrapped.expert_plan = plan
        expert.reset()
        for _ in range(unwrapped.max_episode_steps):
            _, _, terminated, _, _ = env.step(expert.act({}))
            if terminated:
                break
        assert terminated, f"seed {seed}: place_at did not stack the block"
        state = unwrapped.scene_state
        offsets.append(
            np.linalg.norm(state.site_pos("top_block", "center")[:2] - state.site_pos("bottom_block", "top")[:2])
        )
    env.close()
    assert max(offsets) < 0.006, offsets
