"""``arena real plan``: the operator's guide to a session, one printable sheet per episode.

Episodes are drawn from the protocol seeds, exactly as the simulator draws them. Each sheet (HTML) says which
printed parts to use (files, filament colour, scale, from ``print_models/manifest.yaml``, or the ``arena
print-models`` command for a scale the release lacks), how to set every axis (light colour as hex, table cloth,
camera offset), which axes cannot be reproduced physically, and shows the 1:1 placement mat (PNG, tiled PDF) and a
reference render of the simulated scene from the calibrated real camera.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from arena.eval.protocol import EpisodeKey
from arena.geometry import axis_angle_to_quat, quat_mul
from arena.real.frames import mujoco_from_optical
from arena.real.mat import write_mat
from arena.real.robot_config import RobotConfig
from arena.spec.colors import NAMED_COLORS
from arena.spec.episode import EpisodeConfig
from arena.spec.sampling import sample_episode
from arena.spec.task import load_task

#: Axes a person cannot reproduce faithfully, and why.
NOT_REPRODUCIBLE = {
    "ObjectTexture": "procedural texture; not reproducible physically (use the plain filament colour)",
    "ReceiverTexture": "procedural texture; not reproducible physically (use the plain filament colour)",
    "TableTexture": "procedural texture; not reproducible physically (a plain cloth of the table's colour)",
    "BackgroundTexture": "procedural wall texture; not reproducible physically",
    "Friction": "friction scale cannot be set on printed parts; not reproducible physically",
}


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(255 * min(max(c, 0.0), 1.0)):02x}" for c in rgb[:3])


@cache
def _manifest() -> dict[str, Any]:
    path = Path(__file__).resolve().parents[1] / "print_models" / "manifest.yaml"  # a source checkout's release
    return yaml.safe_load(path.read_text()) if path.is_file() else {"files": []}


def printed_parts(task: str, obj: str, scale: float) -> tuple[list[str], str | None]:
    """The release's STL files for an object at ``scale``, or ([], the command that exports them)."""
    files = [
        f["file"]
        for f in _manifest().get("files", [])
        if f["task"] == task and f["object"] == obj and abs(float(f["scale"]) - scale) < 5e-3
    ]
    if files:
        return files, None
    return [], f"arena print-models --tasks {task} --scales {scale:.3f} -o print_models_{task}"


def axis_settings(config: EpisodeConfig) -> list[tuple[str, str, bool]]:
    """(axis, what to set, reproducible) for every perturbation of the episode."""
    rows = []
    for axis, value in sorted(config.perturbations.items()):
        if axis in NOT_REPRODUCIBLE:
            rows.append((axis, f"{value} — {NOT_REPRODUCIBLE[axis]}", False))
        elif axis in ("ObjectColor", "ReceiverColor"):
            text = ", ".join(f"{o}: {c} filament ({_hex(NAMED_COLORS[c])})" for o, c in value.items())
            rows.append((axis, text, True))
        elif axis in ("ObjectSize", "ReceiverSize"):
            rows.append((axis, ", ".join(f"{o}: scale {s:.3f}" for o, s in value.items()), True))
        elif axis == "Lighting":
            text = (
                f"light colour {_hex(value['rgb'])} (RGB {np.round(value['rgb'], 3).tolist()}), intensity "
                f"{value['intensity']:.2f}x, from {math.degrees(value['yaw']):.0f} deg about the vertical"
            )
            rows.append((axis, text, True))
        elif axis == "TableColor":
            rows.append(
                (axis, f"table cloth of colour {_hex(value['rgb'])} (RGB {np.round(value['rgb'], 3).tolist()})", True)
            )
        elif axis == "CameraPose":
            parts = [
                f"{cam}: move {np.round(np.array(v['offset']) * 1000, 1).tolist()} mm, turn "
                f"{np.round(np.degrees(v['rotation']), 2).tolist()} deg (x, y, z; base frame)"
                for cam, v in value.items()
            ]
            rows.append((axis, "; ".join(parts) + " — measured with the live view, not by eye", True))
        elif axis == "Mass":
            rows.append(
                (axis, ", ".join(f"{o}: {m:.3f} kg (add ballast to the print)" for o, m in value.items()), True)
            )
        elif axis == "Distractors":
            toys = value.get("toys", [])
            text = f"{len(toys)} printed toys on their outlines: " + ", ".join(t["color"] for t in toys)
            rows.append((axis, text, True))
        else:
            rows.append((axis, str(value), False))
    return rows


def wanted_camera_pose(robot: RobotConfig, camera: str, config: EpisodeConfig) -> tuple[np.ndarray, np.ndarray]:
    """The optical pose the episode asks of ``camera``: its calibrated pose moved by the episode's CameraPose offset
    (offset added, rotation applied before, as the simulator moves its camera rigs)."""
    cam = robot.camera(camera)
    if cam.position is None:
        raise ValueError(f"camera {camera} is not calibrated (no extrinsics in robot.yaml)")
    offset = config.perturbations.get("CameraPose", {}).get(camera)
    position, quaternion = np.array(cam.position), np.array(cam.quaternion)
    if offset:
        position = position + np.array(offset["offset"])
        quaternion = quat_mul(axis_angle_to_quat(np.array(offset["rotation"])), quaternion)
    return position, quaternion


def reference_render(robot: RobotConfig, camera: str, config: EpisodeConfig, max_side: int = 480) -> np.ndarray:
    """The simulated scene of ``config`` from the real camera's calibrated pose and field of view (RGB)."""
    import mujoco

    from arena.env import ArenaEnv

    cam = robot.camera(camera)
    position, quaternion = wanted_camera_pose(robot, camera, config)
    scale = min(1.0, max_side / max(cam.intrinsics.width, cam.intrinsics.height))
    size = (round(cam.intrinsics.height * scale), round(cam.intrinsics.width * scale))
    env = ArenaEnv(config.task, config.axis, obs_mode="state", episode_config=config, image_size=size)
    try:
        env.reset()
        model = env.model
        camera_id = model.camera("front").id
        model.cam_pos[camera_id] = position
        model.cam_quat[camera_id] = mujoco_from_optical(quaternion)
        model.cam_fovy[camera_id] = cam.intrinsics.fovy_deg
        mujoco.mj_forward(model, env.data)
        return env.render_camera("front")
    finally:
        env.close()


def write_sheet(robot: RobotConfig, key: EpisodeKey, folder: Path, paper: str, camera: str) -> Path:
    """Write one episode's ``sheet.html``, ``mat.png``, ``mat.pdf`` and ``reference.png`` into ``folder``."""
    import imageio.v2 as imageio

    config = sample_episode(key.task, key.axis, key.seed)
    task = load_task(key.task)
    png, pdf = write_mat(config, folder, paper)
    reference = None
    if robot.cameras.get(camera) is not None and robot.cameras[camera].position is not None:
        reference = folder / "reference.png"
        imageio.imwrite(reference, reference_render(robot, camera, config))
    sizes = {**config.perturbations.get("ObjectSize", {}), **config.perturbations.get("ReceiverSize", {})}
    colors = {**config.perturbations.get("ObjectColor", {}), **config.perturbations.get("ReceiverColor", {})}
    rows = []
    for obj in task.objects:
        scale = float(sizes.get(obj.name, 1.0))
        color = colors.get(obj.name, obj.color)
        files, command = printed_parts(key.task, obj.name, scale)
        where = ", ".join(f"print_models/{f}" for f in files) if files else f"export first: <code>{command}</code>"
        if not obj.shape.printable:
            where = html.escape(obj.shape.scaled(scale).substitute())
        pose = config.object_poses[obj.name]
        rows.append(
            f"<tr><td>{obj.name}</td><td>{obj.role}</td><td>{where}</td><td>{color} ({_hex(NAMED_COLORS[color])})</td>"
            f"<td>{scale:.3f}</td><td>x {pose[0] * 1000:.0f} mm, y {pose[1] * 1000:.0f} mm</td></tr>"
        )
    axes = (
        "".join(
            f"<tr><td>{a}</td><td>{html.escape(text)}</td><td>{'yes' if ok else '<b>no</b>'}</td></tr>"
            for a, text, ok in axis_settings(config)
        )
        or "<tr><td colspan=3>no perturbation</td></tr>"
    )
    picture = (
        f'<h2>Reference render ({camera} camera)</h2><img src="reference.png" width="480">'
        if reference
        else (f"<p>No reference render: calibrate the {camera} camera first (arena real calibrate).</p>")
    )
    text = f"""<!doctype html><html><head><meta charset="utf-8"><title>{key.task} {key.axis} {key.index}</title>
<style>body{{font-family:sans-serif;max-width:60em}}td,th{{border:1px solid #999;padding:3px 6px}}
table{{border-collapse:collapse}}@media print{{img{{max-width:100%}}}}</style></head><body>
<h1>{key.task} / {key.axis} / episode {key.index}</h1>
<p>Instruction: <b>{html.escape(config.instruction)}</b>. Seed {config.seed}, config {config.config_hash}.</p>
<h2>Printed parts</h2><table><tr><th>object</th><th>role</th><th>files</th><th>filament</th><th>scale</th>
<th>centre</th></tr>{"".join(rows)}</table>
<h2>Axis settings</h2><table><tr><th>axis</th><th>set</th><th>reproducible</th></tr>{axes}</table>
<h2>Placement mat</h2><p>Print <a href="mat.pdf">mat.pdf</a> at 100% ({paper.upper()}, no fit to page), check the
100 mm ruler, butt the pages at their crosses, tape the mat to the table with its top edge toward the robot and the
ArUco markers at the positions printed on them. Put each object on its outline, its heading along the arrow.</p>
<img src="mat.png" width="600">{picture}</body></html>
"""
    sheet = folder / "sheet.html"
    sheet.write_text(text)
    del png, pdf
    return sheet


def write_plan(
    robot: RobotConfig,
    tasks: Sequence[str],
    axes: Sequence[str],
    episodes: int,
    out: Path,
    paper: str = "a4",
    camera: str = "front",
) -> Path:
    """Write every episode's sheet under ``out/sheets/`` and an ``index.html`` linking them; return the index."""
    from arena.real.session import plan_keys, sheet_path

    links = []
    for key in plan_keys(tasks, axes, episodes):
        sheet = sheet_path(out, key)
        write_sheet(robot, key, sheet.parent, paper, camera)
        links.append(f'<li><a href="{sheet.relative_to(out)}">{key.task} / {key.axis} / {key.index}</a></li>')
    index = out / "index.html"
    index.write_text(f"<!doctype html><html><body><h1>Real session plan</h1><ul>{''.join(links)}</ul></body></html>\n")
    return index
