"""A picture of the printable set, rendered with MuJoCo from the release's own STL files.

Each object is assembled from its files (``to_object_mm`` in the manifest) at every exported scale, smallest
to largest, with its last movable part half open (the box lid, the top drawer); the distractor toys stand in
front. Regenerate with ``arena print-models -o print_models --picture``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import mujoco
import numpy as np
import trimesh
import yaml
from PIL import Image

from arena.geometry import quat_to_mat
from arena.printing.mesh import MM_PER_M, affine, part_frames
from arena.spec.colors import rgba
from arena.spec.task import load_task

#: Gap between neighbouring objects on the floor (metres).
SPACING = 0.05
#: Widest row of the picture (metres of objects); longer rows wrap, so many tasks still fill the frame.
MAX_ROW_M = 1.6
_YAW = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # object front (-x) faces the camera (-y)


def _articulation(task: str, obj: str, part: str, scale: float) -> np.ndarray:
    """Object-frame transform (mm) that opens the object's last movable part halfway (identity otherwise)."""
    if task == "distractors":
        return np.eye(4)
    shape = load_task(task).object(obj).shape.scaled(scale)
    parts = shape.parts()
    movable = [p for p in parts if p.joint is not None]
    if not movable or movable[-1].name != part:
        return np.eye(4)
    moving = movable[-1]
    frame = part_frames(parts)[moving.name]
    joint = moving.joint
    value = 0.5 * joint.range[1]
    axis = np.asarray(joint.axis, dtype=float)
    if joint.kind == "slide":
        local = affine(np.eye(3), axis * value * MM_PER_M)
    else:
        half = value / 2
        rotation = quat_to_mat(np.array([math.cos(half), *(math.sin(half) * axis)]))
        pivot = np.asarray(joint.pos, dtype=float) * MM_PER_M
        local = affine(np.eye(3), pivot) @ affine(rotation, np.zeros(3)) @ affine(np.eye(3), -pivot)
    return frame @ local @ np.linalg.inv(frame)


def _instances(release: Path, manifest: dict) -> dict[tuple[str, str, float], list[tuple[np.ndarray, np.ndarray, str]]]:
    """Per (task, object, scale): assembled meshes as (vertices in metres, faces, colour)."""
    grouped: dict[tuple[str, str, float], list] = defaultdict(list)
    for entry in manifest["files"]:
        mesh = trimesh.load_mesh(release / entry["file"], file_type="stl")
        to_object = np.vstack([np.asarray(entry["to_object_mm"], dtype=float), [0.0, 0.0, 0.0, 1.0]])
        transform = _articulation(entry["task"], entry["object"], entry["part"], entry["scale"]) @ to_object
        vertices = (mesh.vertices @ transform[:3, :3].T + transform[:3, 3]) @ _YAW.T / MM_PER_M
        grouped[(entry["task"], entry["object"], entry["scale"])].append((vertices, mesh.faces, entry["color"]))
    return grouped


def _rows(grouped: dict) -> list[list[tuple[str, str, float]]]:
    """Toys in front, then small objects, then large ones (over 15 cm), lowest first; by task, object, scale."""
    extent: dict[tuple[str, str], float] = defaultdict(float)
    for (task, obj, _), meshes in grouped.items():
        for vertices, _, _ in meshes:
            extent[task, obj] = max(extent[task, obj], float(np.ptp(vertices, axis=0).max()))
    height: dict[tuple[str, str], float] = defaultdict(float)
    for (task, obj, _), meshes in grouped.items():
        for vertices, _, _ in meshes:
            height[task, obj] = max(height[task, obj], float(np.ptp(vertices[:, 2])))
    small, large, toys = [], [], []
    for key in sorted(grouped):
        (toys if key[0] == "distractors" else large if extent[key[:2]] > 0.15 else small).append(key)
    large.sort(key=lambda key: height[key[:2]])  # the tallest at the back, where they hide nothing
    return [row for row in (toys, small, large) if row]


def _wrapped(rows: list[list[tuple[str, str, float]]], grouped: dict) -> list[list[tuple[str, str, float]]]:
    """Each row split where it would grow wider than :data:`MAX_ROW_M`, keeping one object's scales together."""
    out = []
    for row in rows:
        current: list[tuple[str, str, float]] = []
        width = 0.0
        for index, key in enumerate(row):
            size = max(float(np.ptp(v[:, 0])) for v, _, _ in grouped[key]) + SPACING
            starts_object = index == 0 or row[index - 1][:2] != key[:2]
            if current and width + size > MAX_ROW_M and starts_object:
                out.append(current)
                current, width = [], 0.0
            current.append(key)
            width += size
        if current:
            out.append(current)
    return out


def render_print_set(
    release: str | Path, output: str | Path | None = None, width: int = 1600, height: int = 900
) -> Path:
    """Render every object of the release at each of its scales, plus the toys, to a PNG.

    Args:
        release: Folder holding ``manifest.yaml`` and the STL files.
        output: Where to write the PNG (default: ``<release>/print_set.png``).
        width: Image width in pixels.
        height: Image height in pixels.
    """
    release = Path(release)
    output = Path(output) if output else release / "print_set.png"
    manifest = yaml.safe_load((release / "manifest.yaml").read_text())
    grouped = _instances(release, manifest)
    spec = mujoco.MjSpec()
    spec.visual.global_.offwidth, spec.visual.global_.offheight = width, height
    spec.visual.quality.shadowsize = 4096
    spec.visual.headlight.ambient = [0.35, 0.35, 0.35]
    spec.visual.headlight.diffuse = [0.35, 0.35, 0.35]
    spec.add_texture(
        name="grid",
        type=mujoco.mjtTexture.mjTEXTURE_2D,
        builtin=mujoco.mjtBuiltin.mjBUILTIN_CHECKER,
        rgb1=[0.86, 0.86, 0.88],
        rgb2=[0.8, 0.8, 0.82],
        width=256,
        height=256,
    )
    spec.add_texture(
        name="sky",
        type=mujoco.mjtTexture.mjTEXTURE_SKYBOX,
        builtin=mujoco.mjtBuiltin.mjBUILTIN_GRADIENT,
        rgb1=[0.97, 0.97, 0.98],
        rgb2=[0.85, 0.86, 0.88],
        width=256,
        height=256,
    )
    spec.add_material(name="floor", textures=["", "grid"], texrepeat=[200, 200], texuniform=True)
    world = spec.worldbody
    world.add_geom(type=mujoco.mjtGeom.mjGEOM_PLANE, size=[25, 25, 0.1], material="floor")
    world.add_light(pos=[0.6, -1.5, 3.0], dir=[-0.2, 0.5, -1.0], diffuse=[0.55] * 3, castshadow=True)
    lows, highs = [], []
    y = 0.0
    for row in _wrapped(_rows(grouped), grouped):
        depth = max(float(np.ptp(v[:, 1])) for key in row for v, _, _ in grouped[key])
        x = 0.0
        for key in row:
            vertices = np.concatenate([v for v, _, _ in grouped[key]])
            lo, hi = vertices.min(axis=0), vertices.max(axis=0)
            offset = np.array([x - lo[0], y + depth / 2 - (lo[1] + hi[1]) / 2, -lo[2]])
            for index, (v, faces, color) in enumerate(grouped[key]):
                name = f"{key[0]}/{key[1]}/{key[2]}/{index}"
                spec.add_mesh(name=name, uservert=(v + offset).ravel().tolist(), userface=faces.ravel().tolist())
                world.add_geom(
                    type=mujoco.mjtGeom.mjGEOM_MESH, meshname=name, rgba=list(rgba(color)), contype=0, conaffinity=0
                )
            lows.append(lo + offset)
            highs.append(hi + offset)
            x += hi[0] - lo[0] + SPACING
        y += depth + 2 * SPACING
    model = spec.compile()
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    lo, hi = np.min(lows, axis=0), np.max(highs, axis=0)
    camera = mujoco.MjvCamera()
    camera.lookat[:] = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, 0.1]
    camera.azimuth, camera.elevation = 90.0, -30.0
    camera.distance = 0.95 * max(hi[0] - lo[0], 1.6 * (hi[1] - lo[1]))
    with mujoco.Renderer(model, height, width) as renderer:
        renderer.scene.flags[mujoco.mjtRndFlag.mjRND_SHADOW] = True
        renderer.update_scene(data, camera=camera)
        image = renderer.render()
    output.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(output, optimize=True)
    return output
