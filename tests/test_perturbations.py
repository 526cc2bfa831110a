"""Perturbation axes: each changes what it claims and nothing else; values are reproducible and replayable."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

import gymnasium as gym
import numpy as np
import pytest

from arena.errors import EpisodeConfigError
from arena.perturbations import EFFECTS, PERTURBED_MODEL_FIELDS, ModelContext, ModelEffect, SceneEffect, scene_options
from arena.sim.scene import SceneOptions
from arena.spec.axes import AXES, applicable_axes
from arena.spec.axes.distractors import DISTRACTOR_CLEARANCE
from arena.spec.axis_names import AXIS_NAMES, PERTURBATION_AXES
from arena.spec.episode import EpisodeConfig
from arena.spec.sampling import parse_perturbations, sample_episode
from arena.spec.task import load_task

CAMS = ("front", "left_shoulder", "wrist")


def _env(task: str, axis: str, **kwargs) -> gym.Env:
    return gym.make(f"Arena-{task}-{axis}", cameras=CAMS, image_size=96, segmentation=True, **kwargs)


def _first_frame(task: str, axis: str, seed: int):
    env = _env(task, axis)
    obs, info = env.reset(seed=seed)
    unwrapped = env.unwrapped
    snapshot = {
        "obs": obs,
        "config": info["episode_config"],
        "model": {name: getattr(unwrapped.model, name).copy() for name in ("geom_friction", "body_mass", "geom_size")},
        "geoms": {o.name: sorted(unwrapped.scene_state.object_geoms(o.name)) for o in unwrapped.task.objects},
        "names": [unwrapped.model.geom(i).name for i in range(unwrapped.model.ngeom)],
        "cams": {c: (unwrapped.data.cam(c).xpos.copy(), unwrapped.data.cam(c).xmat.copy()) for c in CAMS},
    }
    env.close()
    return snapshot


@pytest.fixture(scope="module")
def baseline():
    return _first_frame("StackBlocks", "None", 3)


def _dilate(mask: np.ndarray) -> np.ndarray:
    """Grow a mask by one pixel: anti-aliased edge pixels blend a geom with its neighbours."""
    padded = np.pad(mask, 1)
    grown = np.zeros_like(mask)
    for dy in range(3):
        for dx in range(3):
            grown |= padded[dy : dy + mask.shape[0], dx : dx + mask.shape[1]]
    return grown


def _changed_pixels_inside(base, other, geom_ids, cameras=CAMS) -> None:
    changed_anywhere = False
    for camera in cameras:
        a, b = base["obs"][f"images/{camera}"], other["obs"][f"images/{camera}"]
        changed = np.any(a != b, axis=-1)
        mask = _dilate(
            np.isin(base["obs"][f"segmentation/{camera}"], list(geom_ids))
            | np.isin(other["obs"][f"segmentation/{camera}"], list(geom_ids))
        )
        assert not np.any(changed & ~mask), f"{camera}: pixels outside the target changed"
        changed_anywhere |= bool(changed.any())
    assert changed_anywhere, "the axis changed no pixel"


def test_registry_has_the_fourteen_axes_in_design_order():
    assert tuple(AXES) == PERTURBATION_AXES == tuple(EFFECTS)
    assert len(PERTURBATION_AXES) == 14 and AXIS_NAMES[0] == "None" and AXIS_NAMES[-1] == "All"


def test_receiver_axes_do_not_apply_to_tasks_without_a_receiver():
    assert "ReceiverColor" not in applicable_axes(load_task("OpenDrawer"))
    assert set(applicable_axes(load_task("StackBlocks"))) == set(PERTURBATION_AXES)


@pytest.mark.parametrize(("axis", "role"), [("ObjectColor", "top_block"), ("ReceiverColor", "bottom_block")])
def test_color_axes_change_only_their_objects_pixels(baseline, axis, role):
    perturbed = _first_frame("StackBlocks", axis, 3)
    _changed_pixels_inside(baseline, perturbed, baseline["geoms"][role])


@pytest.mark.parametrize(("axis", "role"), [("ObjectTexture", "top_block"), ("ReceiverTexture", "bottom_block")])
def test_object_texture_axes_change_only_their_objects_pixels(baseline, axis, role):
    perturbed = _first_frame("StackBlocks", axis, 3)
    _changed_pixels_inside(baseline, perturbed, baseline["geoms"][role])


@pytest.mark.parametrize(
    ("axis", "geoms"),
    [("TableColor", ("table_top",)), ("TableTexture", ("table_top",)), ("BackgroundTexture", ("wall", "floor"))],
)
def test_scene_appearance_axes_change_only_their_surfaces(baseline, axis, geoms):
    perturbed = _first_frame("StackBlocks", axis, 3)
    ids = [i for i, name in enumerate(baseline["names"]) if name.startswith(geoms)]
    _changed_pixels_inside(baseline, perturbed, ids, cameras=("front", "left_shoulder"))


def test_camera_pose_moves_external_cameras_within_bounds_and_never_the_wrist(baseline):
    perturbed = _first_frame("StackBlocks", "CameraPose", 3)
    for camera in ("front", "left_shoulder"):
        offset = perturbed["cams"][camera][0] - baseline["cams"][camera][0]
        assert 0 < np.abs(offset).max() <= 0.1 + 1e-9
    np.testing.assert_array_equal(perturbed["cams"]["wrist"][0], baseline["cams"]["wrist"][0])
    np.testing.assert_array_equal(perturbed["obs"]["images/wrist"], baseline["obs"]["images/wrist"])
    assert not np.array_equal(perturbed["obs"]["images/front"], baseline["obs"]["images/front"])


def test_friction_changes_only_object_friction_and_no_pixel(baseline):
    perturbed = _first_frame("StackBlocks", "Friction", 3)
    objects = baseline["geoms"]["top_block"] + baseline["geoms"]["bottom_block"]
    before, after = baseline["model"]["geom_friction"], perturbed["model"]["geom_friction"]
    ratio = after[objects, 0] / before[objects, 0]
    assert np.all((ratio >= 0.75) & (ratio <= 1.0)) and np.any(ratio < 1.0)
    others = np.setdiff1d(np.arange(len(before)), objects)
    np.testing.assert_array_equal(after[others], before[others])
    for camera in CAMS:
        np.testing.assert_array_equal(perturbed["obs"][f"images/{camera}"], baseline["obs"][f"images/{camera}"])


def test_mass_changes_only_object_masses_and_no_pixel(baseline):
    perturbed = _first_frame("StackBlocks", "Mass", 3)
    factors = perturbed["config"].perturbations["Mass"]
    changed = np.flatnonzero(perturbed["model"]["body_mass"] != baseline["model"]["body_mass"])
    assert len(changed) == 2
    ratios = sorted(perturbed["model"]["body_mass"][changed] / baseline["model"]["body_mass"][changed])
    np.testing.assert_allclose(ratios, sorted(factors.values()))
    for camera in CAMS:
        np.testing.assert_array_equal(perturbed["obs"][f"images/{camera}"], baseline["obs"][f"images/{camera}"])


def test_object_size_rescales_collision_geometry_and_mass(baseline):
    perturbed = _first_frame("StackBlocks", "ObjectSize", 3)
    scale = perturbed["config"].perturbations["ObjectSize"]["top_block"]
    top = baseline["geoms"]["top_block"]
    np.testing.assert_allclose(perturbed["model"]["geom_size"][top], baseline["model"]["geom_size"][top] * scale)
    bottom = baseline["geoms"]["bottom_block"]
    np.testing.assert_array_equal(perturbed["model"]["geom_size"][bottom], baseline["model"]["geom_size"][bottom])
    body_ratio = perturbed["model"]["body_mass"] / np.where(
        baseline["model"]["body_mass"] > 0, baseline["model"]["body_mass"], 1
    )
    assert np.isclose(body_ratio, scale**3).sum() == 1


def test_lighting_changes_light_and_object_poses_stay(baseline):
    perturbed = _first_frame("StackBlocks", "Lighting", 3)
    assert perturbed["config"].object_poses == baseline["config"].object_poses
    assert not np.array_equal(perturbed["obs"]["images/front"], baseline["obs"]["images/front"])


def test_distractors_are_placed_clear_of_task_objects_and_settled():
    env = _env("StackBlocks", "Distractors")
    for seed in range(6):
        _, info = env.reset(seed=seed)
        values = info["episode_config"].perturbations["Distractors"]
        assert 1 <= values["requested"] <= 4 and 1 <= len(values["toys"]) <= values["requested"]
        state = env.unwrapped.scene_state
        for index, toy in enumerate(values["toys"]):
            body = env.unwrapped.data.body(f"distractor_{index}/body")
            assert np.linalg.norm(body.cvel) < 0.05  # settled
            assert body.xpos[2] < 0.02  # resting on the table
            for obj in ("top_block", "bottom_block"):
                gap = np.linalg.norm(state.object_pose(obj)[0][:2] - [toy["x"], toy["y"]])
                assert gap >= state.footprint_radius(obj) + toy["radius"] + DISTRACTOR_CLEARANCE - 1e-9
    env.close()


def test_axis_values_are_independent_of_other_axes():
    singles = {axis: gym.make(f"Arena-SlideBlockToTarget-{axis}").unwrapped for axis in PERTURBATION_AXES}
    everything = gym.make("Arena-SlideBlockToTarget-All").unwrapped
    for seed in (0, 7):
        combined = everything.sample_config(seed).perturbations
        assert set(combined) == set(PERTURBATION_AXES)
        for axis, env in singles.items():
            assert env.sample_config(seed).perturbations == {axis: combined[axis]}
        assert everything.sample_config(seed).object_poses == singles["Mass"].sample_config(seed).object_poses
    assert everything.sample_config(1).perturbations != everything.sample_config(2).perturbations


def test_same_seed_same_images_and_pristine_restore_between_episodes():
    env = _env("StackBlocks", "All")
    first = env.reset(seed=4)[0]["images/front"]
    env.reset(seed=9)
    again = env.reset(seed=4)[0]["images/front"]
    np.testing.assert_array_equal(first, again)
    plain = _env("StackBlocks", "None")
    fresh = plain.reset(seed=4)[0]["images/front"]
    after_all = env.reset(options={"episode_config": plain.unwrapped.sample_config(4)})[0]["images/front"]
    np.testing.assert_array_equal(fresh, after_all)
    env.close()
    plain.close()


def _digest_from_config(config_json: str) -> str:
    env = gym.make("Arena-StackBlocks", cameras=("front", "wrist"), image_size=64)
    obs, _ = env.reset(options={"episode_config": EpisodeConfig.from_json(config_json)})
    digest = hashlib.sha256(obs["images/front"].tobytes() + obs["images/wrist"].tobytes())
    for _ in range(5):
        obs, *_ = env.step(np.array([0.02, 0.01, -0.02, 0, 0, 0.05, 1], dtype=np.float32))
        digest.update(obs["images/front"].tobytes() + obs["state"].tobytes())
    env.close()
    return digest.hexdigest()


def test_all_axes_config_round_trips_through_json_and_replays_in_another_process():
    config = gym.make("Arena-StackBlocks-All").unwrapped.sample_config(21)
    text = config.to_json()
    assert EpisodeConfig.from_json(text) == config
    here = _digest_from_config(text)
    code = f"from tests.test_perturbations import _digest_from_config; print(_digest_from_config({text!r}))"
    other = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == here


@pytest.mark.parametrize(
    ("axis", "mutate", "message"),
    [
        ("Friction", lambda v: v.update(top_block=0.5), r"top_block = 0.5 is out of range; allowed \[0.75, 1.0\]"),
        ("Mass", lambda v: v.update(top_block=9.0), r"allowed \[0.5, 2.0\]"),
        ("ObjectColor", lambda v: v.update(top_block="beige"), "colour 'beige'"),
        ("ObjectTexture", lambda v: v.update(top_block=999), r"not in the bank \(indices 0..239\)"),
        ("ObjectColor", lambda v: v.update(top_block="red"), "is its nominal colour"),
        ("Lighting", lambda v: v.update(intensity=3.0), r"intensity = 3.0 is out of range; allowed \[0.7, 1.4\]"),
        ("CameraPose", lambda v: v["front"].update(offset=[0.5, 0, 0]), r"front.offset\[0\] = 0.5"),
        ("Distractors", lambda v: v.update(requested=9), r"requested = 9 is out of range; allowed \[1, 4\]"),
        ("TableColor", lambda v: v.update(rgb=[0.1, 0.5, 0.5]), r"rgb\[0\] = 0.1 is out of range"),
        ("ObjectSize", lambda v: v.pop("top_block"), "expected values for objects"),
    ],
)
def test_out_of_range_hand_written_values_are_rejected_with_the_allowed_range(axis, mutate, message):
    env = gym.make(f"Arena-StackBlocks-{axis}", obs_mode="state")
    raw = env.unwrapped.sample_config(0).to_dict()
    mutate(raw["perturbations"][axis])
    with pytest.raises(EpisodeConfigError, match=message):
        env.reset(options={"episode_config": raw})
    env.close()


def test_unknown_axis_in_a_config_lists_the_valid_axes():
    env = gym.make("Arena-StackBlocks", obs_mode="state")
    raw = env.unwrapped.sample_config(0).to_dict()
    raw["perturbations"]["Glitter"] = {}
    with pytest.raises(EpisodeConfigError, match="unknown perturbation axis 'Glitter'; valid axes: ObjectColor"):
        env.reset(options={"episode_config": raw})
    env.close()


def test_color_axis_updates_the_instruction():
    env = gym.make("Arena-StackBlocks-ObjectColor", obs_mode="state")
    obs, info = env.reset(seed=0)
    color = info["episode_config"].perturbations["ObjectColor"]["top_block"]
    assert f"{color} block" in obs["instruction"] or f"{color} cube" in obs["instruction"]
    env.close()


def test_training_split_draws_only_training_textures():
    env = gym.make("Arena-StackBlocks-TableTexture", obs_mode="state", texture_split="train")
    indices = {env.unwrapped.sample_config(s).perturbations["TableTexture"]["table"] for s in range(40)}
    assert all(i % 5 != 4 for i in indices) and len(indices) > 20
    env.close()


def test_an_episode_is_bitwise_identical_whatever_ran_before_it_in_the_env():
    def roll(env, config):
        env.reset(options={"episode_config": config})
        rng = np.random.default_rng(0)
        for _ in range(40):
            env.step(rng.uniform(env.action_space.low, env.action_space.high).astype(np.float32))
        return env.unwrapped.data.qpos.copy()

    fresh = gym.make("Arena-SlideBlockToTarget", obs_mode="state")
    config = fresh.unwrapped.sample_config(5)
    used = gym.make("Arena-SlideBlockToTarget-All", obs_mode="state")
    used.reset(seed=3)  # masses, sizes, distractors, friction... all changed, then restored
    for _ in range(10):
        used.step(used.action_space.sample())
    np.testing.assert_array_equal(roll(fresh, config), roll(used, config))
    fresh.close()
    used.close()


def _model_arrays(model) -> dict[str, np.ndarray]:
    names = [n for n in dir(model) if not n.startswith("_")]
    return {n: getattr(model, n).copy() for n in names if isinstance(getattr(model, n, None), np.ndarray)}


@pytest.mark.parametrize("axis", [a for a in PERTURBATION_AXES if isinstance(EFFECTS[a], ModelEffect)])
def test_a_model_stage_effect_writes_only_the_model_fields_it_declares(axis):
    # The restore list is derived from these declarations, so an undeclared write would leak into later episodes.
    env = gym.make("Arena-StackBlocks", obs_mode="state")
    env.reset(seed=0)
    sim = env.unwrapped.sim
    values = parse_perturbations(sample_episode(sim.task, axis, 3), sim.task)
    before = _model_arrays(sim.model)
    EFFECTS[axis].apply(ModelContext(sim.model, sim.pristine, sim.scene_state), values[axis])
    changed = {name for name, array in _model_arrays(sim.model).items() if not np.array_equal(array, before[name])}
    env.close()
    assert changed, f"{axis} changed nothing"
    assert changed <= set(EFFECTS[axis].fields) <= set(PERTURBED_MODEL_FIELDS)


@pytest.mark.parametrize("axis", [a for a in PERTURBATION_AXES if isinstance(EFFECTS[a], SceneEffect)])
def test_a_spec_stage_effect_changes_the_scene_options_and_nothing_else(axis):
    task = load_task("StackBlocks")
    values = parse_perturbations(sample_episode(task, axis, 3), task)
    assert scene_options(values) != scene_options({})
    assert scene_options({}) == SceneOptions()


def test_colour_axes_leave_accent_parts_in_their_own_colour():
    """The pegs of InsertOntoSquarePeg keep their paint under ReceiverColor; the board around them takes the colour."""
    from arena.sim import naming
    from arena.spec.colors import rgba

    env = gym.make("Arena-InsertOntoSquarePeg-ReceiverColor", obs_mode="state")
    _, info = env.reset(seed=4)
    model = env.unwrapped.model
    drawn = info["episode_config"].perturbations["ReceiverColor"]["pegs"]
    board = model.mat_rgba[model.material(naming.object_material("pegs")).id]
    np.testing.assert_allclose(board[:3], rgba(drawn)[:3])
    prefix = naming.accent_material("pegs", "")
    accents = {
        model.material(m).name[len(prefix) :]: model.mat_rgba[m, :3].copy()
        for m in range(model.nmat)
        if model.material(m).name.startswith(prefix)
    }
    env.close()
    assert len(accents) == 3 and drawn not in accents  # three pegs in three paints, none of them the board's
    for colour, value in accents.items():
        np.testing.assert_allclose(value, rgba(colour)[:3])
