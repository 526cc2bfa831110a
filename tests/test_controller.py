"""Control modes: ee_delta, ee_pose and joint_pos do what they claim; bad actions are rejected."""

from __future__ import annotations

import numpy as np
import pytest

from arena.geometry import quat_error


def _hold(env, gripper=-1.0, steps=10):
    for _ in range(steps):
        env.step(np.array([0, 0, 0, 0, 0, 0, gripper], dtype=np.float32))


def test_ee_delta_moves_the_tcp_by_the_commanded_offset(make_env):
    env = make_env(obs_mode="state")
    env.reset(seed=0)
    controller = env.unwrapped.controller
    start, start_quat = controller.tcp_pose()
    for _ in range(4):
        env.step(np.array([0.0, 0.02, -0.01, 0, 0, 0, -1], dtype=np.float32))
    _hold(env)
    end, end_quat = controller.tcp_pose()
    # each step moves the measured pose toward a target offset by the action; servo lag makes it fall short
    offset = end - start
    assert 0.03 < offset[1] < 0.081
    assert -0.041 < offset[2] < -0.015
    assert abs(offset[0]) < 0.005
    assert np.linalg.norm(quat_error(end_quat, start_quat)) < 0.02


def test_ee_delta_rotation_turns_the_gripper_about_the_world_z_axis(make_env):
    env = make_env(obs_mode="state")
    env.reset(seed=0)
    controller = env.unwrapped.controller
    _, start_quat = controller.tcp_pose()
    for _ in range(10):
        env.step(np.array([0, 0, 0, 0, 0, 0.1, -1], dtype=np.float32))
    _hold(env)
    _, end_quat = controller.tcp_pose()
    rotation = quat_error(end_quat, start_quat)
    assert rotation[2] > 0.5
    assert np.linalg.norm(rotation[:2]) < 0.05


def test_out_of_bound_actions_are_clipped_not_rejected(make_env):
    env = make_env(obs_mode="state")
    env.reset(seed=0)
    start, _ = env.unwrapped.controller.tcp_pose()
    env.step(np.array([5.0, 0, 0, 0, 0, 0, -1], dtype=np.float32))
    env.step(np.zeros(7, dtype=np.float32))
    moved = env.unwrapped.controller.tcp_pose()[0][0] - start[0]
    assert 0.005 < moved <= 0.05 + 1e-3


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (np.zeros(6), "expected (7,)"),
        (np.array([np.nan, 0, 0, 0, 0, 0, 0]), "non-finite"),
        (np.array([0, 0, np.inf, 0, 0, 0, 0]), "non-finite"),
    ],
)
def test_malformed_actions_raise_value_error_naming_the_expected_shape(make_env, action, message):
    env = make_env(obs_mode="state")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        env.step(action)


def test_workspace_box_keeps_the_tcp_above_the_table(make_env):
    env = make_env(obs_mode="state")
    env.reset(seed=0)
    for _ in range(40):
        env.step(np.array([0, 0, -0.05, 0, 0, 0, 1], dtype=np.float32))
    tcp, _ = env.unwrapped.controller.tcp_pose()
    assert tcp[2] > -0.002


def test_ee_pose_tracks_an_absolute_pose_in_one_step(make_env):
    env = make_env(obs_mode="state", control_mode="ee_pose")
    env.reset(seed=0)
    target = np.array([0.45, 0.1, 0.25])
    quat = np.array([0.0, 1.0, 0.0, 0.0])
    _, _, _, _, info = env.step(np.concatenate([target, quat, [-1.0]]).astype(np.float32))
    tcp, tcp_quat = env.unwrapped.controller.tcp_pose()
    assert np.linalg.norm(tcp - target) < 0.01
    assert np.linalg.norm(quat_error(quat, tcp_quat)) < 0.06
    assert 1 < info["control_steps"] <= 40


def test_joint_pos_drives_the_joints_to_their_targets(make_env):
    env = make_env(obs_mode="state", control_mode="joint_pos")
    env.reset(seed=0)
    target = np.array([0.3, -0.5, 0.2, -2.0, 0.1, 1.8, 0.5])
    for _ in range(20):
        obs, *_ = env.step(np.append(target, -1.0).astype(np.float32))
    np.testing.assert_allclose(obs["state"][8:15], target, atol=0.01)


def test_gripper_closes_and_opens(make_env):
    env = make_env(obs_mode="state")
    obs, _ = env.reset(seed=0)
    assert obs["state"][7] > 0.075
    for _ in range(10):
        obs, *_ = env.step(np.array([0, 0, 0, 0, 0, 0, 1], dtype=np.float32))
    assert obs["state"][7] < 0.005
    for _ in range(10):
        obs, *_ = env.step(np.array([0, 0, 0, 0, 0, 0, -1], dtype=np.float32))
    assert obs["state"][7] > 0.075
