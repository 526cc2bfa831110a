"""The Panda model: exact kinematics and limits, gravity compensation, offline assets."""

from __future__ import annotations

import mujoco
import numpy as np

from arena.paths import franka_mesh_dir
from arena.robot import HOME_QPOS, load_panda_spec, panda

# Franka Emika's published joint limits (radians).
FRANKA_LIMITS = [
    (-2.8973, 2.8973),
    (-1.7628, 1.7628),
    (-2.8973, 2.8973),
    (-3.0718, -0.0698),
    (-2.8973, 2.8973),
    (-0.0175, 3.7525),
    (-2.8973, 2.8973),
]


def _dh_tcp(q: np.ndarray) -> np.ndarray:
    """TCP position from Franka's published (Craig) DH parameters plus the 0.107 m flange and 0.1034 m TCP."""
    params = [  # a, d, alpha
        (0, 0.333, 0),
        (0, 0, -np.pi / 2),
        (0, 0.316, np.pi / 2),
        (0.0825, 0, np.pi / 2),
        (-0.0825, 0.384, -np.pi / 2),
        (0, 0, np.pi / 2),
        (0.088, 0, np.pi / 2),
    ]
    transform = np.eye(4)
    for (a, d, alpha), theta in zip(params, q, strict=True):
        ca, sa, ct, st = np.cos(alpha), np.sin(alpha), np.cos(theta), np.sin(theta)
        transform = transform @ np.array(
            [[ct, -st, 0, a], [st * ca, ct * ca, -sa, -d * sa], [st * sa, ct * sa, ca, d * ca], [0, 0, 0, 1]]
        )
    return (transform @ np.array([0, 0, 0.107 + 0.1034, 1.0]))[:3]


def _compiled():
    model = load_panda_spec().compile()
    return model, mujoco.MjData(model)


def test_kinematics_match_franka_dh_parameters_at_random_configurations():
    model, data = _compiled()
    rng = np.random.default_rng(0)
    for _ in range(20):
        q = np.array([rng.uniform(lo, hi) for lo, hi in FRANKA_LIMITS])
        data.qpos[:7] = q
        mujoco.mj_kinematics(model, data)
        np.testing.assert_allclose(data.site(panda.TCP_SITE).xpos, _dh_tcp(q), atol=1e-6)


def test_joint_limits_are_frankas_published_limits():
    model, _ = _compiled()
    for name, limits in zip(panda.ARM_JOINTS, FRANKA_LIMITS, strict=True):
        np.testing.assert_allclose(model.joint(name).range, limits)


def test_meshes_are_read_from_the_pinned_gymnasium_robotics_wheel():
    spec = load_panda_spec()
    assert spec.meshdir == str(franka_mesh_dir())
    assert "gymnasium_robotics" in spec.meshdir
    assert len(spec.meshes) == 19


def test_gravity_compensated_arm_holds_home_pose_without_drift():
    model, data = _compiled()
    mujoco.mj_resetDataKeyframe(model, data, model.key("home").id)
    mujoco.mj_forward(model, data)
    start = data.site(panda.TCP_SITE).xpos.copy()
    for _ in range(1000):  # 2 seconds
        mujoco.mj_step(model, data)
    assert np.linalg.norm(data.site(panda.TCP_SITE).xpos - start) < 1e-3
    np.testing.assert_allclose(data.qpos[:7], HOME_QPOS, atol=2e-3)


def test_home_pose_points_the_gripper_down():
    model, data = _compiled()
    data.qpos[:7] = HOME_QPOS
    mujoco.mj_kinematics(model, data)
    z_axis = data.site(panda.TCP_SITE).xmat.reshape(3, 3)[:, 2]
    np.testing.assert_allclose(z_axis, [0, 0, -1], atol=1e-3)
