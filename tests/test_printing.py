"""Printable release: checks, the bed, print-only parts, agreement with the simulator, coverage of every task, bad
input, totals, drift."""

from __future__ import annotations

import math
import os
import re
from importlib.metadata import version
from pathlib import Path

import gymnasium as gym
import mujoco
import numpy as np
import pytest
import trimesh
import yaml

from arena.errors import UnknownNameError
from arena.objects import HingedBox
from arena.objects.toys import make_toy
from arena.printing import (
    PrintabilityError,
    PrintExportError,
    check_mesh,
    export_release,
    plan_release,
    printable_object,
    release_scales,
    resolve_tasks,
    scale_label,
)
from arena.printing import export as export_module
from arena.printing import features as features_module
from arena.printing.bed import DEFAULT_BED_MM, MAX_PIECES, bed_contact
from arena.printing.checks import MIN_WALL_MM
from arena.printing.manifest import TOTALS_BEGIN, TOTALS_END, totals_markdown
from arena.printing.mesh import Solid, primitives_solid, to_trimesh
from arena.printing.stl import stl_bytes, write_atomic
from arena.sim.scene import SceneOptions, build_scene_spec
from arena.spec.task import load_task, task_names

RELEASE = Path(__file__).resolve().parents[1] / "print_models"
TOLERANCE = 0.02  # the 2% agreement with the simulator


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((RELEASE / "manifest.yaml").read_text())


@pytest.fixture(scope="module")
def release_meshes(manifest) -> dict[str, trimesh.Trimesh]:
    return {e["file"]: trimesh.load_mesh(RELEASE / e["file"], file_type="stl") for e in manifest["files"]}


def _assembled(manifest: dict, meshes: dict, task: str, obj: str, scale: float) -> list[trimesh.Trimesh]:
    """The object's committed files moved back into the object frame (millimetres)."""
    out = []
    for entry in manifest["files"]:
        if (entry["task"], entry["object"], entry["scale"]) == (task, obj, scale):
            transform = np.vstack([np.asarray(entry["to_object_mm"]), [0.0, 0.0, 0.0, 1.0]])
            out.append(meshes[entry["file"]].copy().apply_transform(transform))
    return out


# --- the simulated collision geometry, measured on the compiled MuJoCo model, independently of the exporter ---


def _sim_geoms(model: mujoco.MjModel, data: mujoco.MjData, obj: str):
    """(type, size, position mm, rotation) of the object's geoms in the object frame (the root part's frame)."""
    geoms = [i for i in range(model.ngeom) if model.geom(i).name.startswith(f"{obj}/")]
    root = min(model.geom_bodyid[i] for i in geoms)
    origin, frame = data.xpos[root], data.xmat[root].reshape(3, 3)
    out = []
    for i in geoms:
        pos = frame.T @ (data.geom_xpos[i] - origin) * 1000
        rot = frame.T @ data.geom_xmat[i].reshape(3, 3)
        size = model.geom_size[i] * 1000
        if model.geom_type[i] == mujoco.mjtGeom.mjGEOM_MESH:  # a convex mesh (a wedge): its planes, mm
            size = _mesh_planes(model, int(model.geom_dataid[i]))
        out.append((int(model.geom_type[i]), size, pos, rot))
    return out


def _mesh_planes(model: mujoco.MjModel, mesh: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (mm, geom frame) and outward face planes (unit normal, offset) of a compiled convex mesh."""
    start, count = model.mesh_vertadr[mesh], model.mesh_vertnum[mesh]
    vertices = model.mesh_vert[start : start + count].astype(float) * 1000
    faces = model.mesh_face[model.mesh_faceadr[mesh] : model.mesh_faceadr[mesh] + model.mesh_facenum[mesh]]
    normals = np.cross(vertices[faces[:, 1]] - vertices[faces[:, 0]], vertices[faces[:, 2]] - vertices[faces[:, 0]])
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    offsets = np.einsum("ij,ij->i", normals, vertices[faces[:, 0]])
    outward = np.sign(offsets - normals @ vertices.mean(axis=0))
    return vertices, np.column_stack([normals * outward[:, None], offsets * outward])


def _sim_bounds(geoms) -> np.ndarray:
    lows, highs = [], []
    for kind, size, pos, rot in geoms:
        if kind == mujoco.mjtGeom.mjGEOM_BOX:
            half = np.abs(rot) @ size
        elif kind == mujoco.mjtGeom.mjGEOM_CYLINDER:
            axis = rot[:, 2]
            half = size[0] * np.sqrt(np.clip(1 - axis**2, 0, 1)) + size[1] * np.abs(axis)
        elif kind == mujoco.mjtGeom.mjGEOM_MESH:
            corners = size[0] @ rot.T + pos
            lows.append(corners.min(axis=0))
            highs.append(corners.max(axis=0))
            continue
        else:
            half = np.full(3, size[0])
        lows.append(pos - half)
        highs.append(pos + half)
    return np.array([np.min(lows, axis=0), np.max(highs, axis=0)])


def _sim_volume(geoms, bounds: np.ndarray, cells: int = 250_000) -> float:
    """Volume of the union of the geoms (mm^3) by stratified sampling: one random point per grid cell."""
    extent = bounds[1] - bounds[0]
    counts = np.maximum(1, np.round(extent / np.cbrt(np.prod(extent) / cells))).astype(int)
    rng = np.random.default_rng(0)
    grid = np.stack(np.meshgrid(*(np.arange(n) for n in counts), indexing="ij"), axis=-1).reshape(-1, 3)
    points = bounds[0] + (grid + rng.random(grid.shape)) * (extent / counts)
    inside = np.zeros(len(points), dtype=bool)
    for kind, size, pos, rot in geoms:
        local = (points - pos) @ rot
        if kind == mujoco.mjtGeom.mjGEOM_BOX:
            inside |= np.all(np.abs(local) <= size, axis=1)
        elif kind == mujoco.mjtGeom.mjGEOM_CYLINDER:
            inside |= (local[:, 0] ** 2 + local[:, 1] ** 2 <= size[0] ** 2) & (np.abs(local[:, 2]) <= size[1])
        elif kind == mujoco.mjtGeom.mjGEOM_MESH:
            planes = size[1]
            inside |= np.all(local @ planes[:, :3].T <= planes[:, 3] + 1e-9, axis=1)
        else:
            inside |= np.sum(local**2, axis=1) <= size[0] ** 2
    return float(inside.mean() * np.prod(extent))


def _print_only_removed_volume(shape_kind: str, geoms) -> float:
    """Volume (mm^3) the print leaves out of the simulated object on purpose, measured on the simulated geoms.

    The cabinet's plinth (its one box standing on the table) prints as a hollow stand: the same outline in
    ``PLINTH_WALL_MM`` walls, open at the top and the bottom, so the inside of the block is not printed.
    """
    if shape_kind != "cabinet":
        return 0.0
    plinths = [
        (size, rot)
        for kind, size, pos, rot in geoms
        if kind == mujoco.mjtGeom.mjGEOM_BOX and abs(pos[2] - size[2]) < 1e-3  # bottom face on the table
    ]
    assert len(plinths) == 1, "expected one plinth box on the table"
    size, rot = plinths[0]
    np.testing.assert_allclose(np.abs(rot), np.eye(3), atol=1e-9)
    wall = features_module.PLINTH_WALL_MM
    return float((2 * size[0] - 2 * wall) * (2 * size[1] - 2 * wall) * 2 * size[2])


def _compiled(task, scales: dict[str, float]) -> tuple[mujoco.MjModel, mujoco.MjData]:
    model = build_scene_spec(task, SceneOptions(object_scales=scales)).compile()
    data = mujoco.MjData(model)
    mujoco.mj_kinematics(model, data)
    return model, data


# --- printability ---


def test_every_release_file_passes_the_printability_checks(manifest, release_meshes):
    assert len(release_meshes) == len(manifest["files"]) > 0
    for entry in manifest["files"]:
        report = check_mesh(release_meshes[entry["file"]], entry["file"])
        assert report.min_wall_mm >= MIN_WALL_MM
        assert report.components == 1 and report.volume_mm3 > 0
        assert report.extents_mm == pytest.approx(entry["bbox_mm"], abs=0.01)


def _box(lo, hi) -> trimesh.Trimesh:
    return to_trimesh(Solid.cube(tuple(b - a for a, b in zip(lo, hi, strict=True))).translate(tuple(lo)))


def test_checks_reject_a_wall_thinner_than_the_minimum_naming_the_value():
    plate = _box((0, 0, 0), (30, 30, 1.0))  # a 1.0 mm plate
    with pytest.raises(PrintabilityError, match=r"thin plate: check 'wall thickness' failed: measured 1\.000 mm"):
        check_mesh(plate, "thin plate")


def test_checks_reject_two_disconnected_bodies():
    two = trimesh.util.concatenate([_box((0, 0, 0), (10, 10, 10)), _box((20, 0, 0), (30, 10, 10))])
    with pytest.raises(PrintabilityError, match=r"two cubes: check 'one body' failed: measured 2 bodies"):
        check_mesh(two, "two cubes")


def test_checks_reject_a_mesh_with_a_hole():
    cube = _box((0, 0, 0), (10, 10, 10))
    holed = trimesh.Trimesh(cube.vertices, cube.faces[:-1], process=False)
    with pytest.raises(PrintabilityError) as error:
        check_mesh(holed, "holed cube")
    assert "holed cube: check 'watertight' failed: measured 3 edge(s)" in str(error.value)
    assert error.value.failures[0].check == "watertight"


def test_checks_reject_inverted_normals_a_narrow_gap_and_a_part_too_big_for_the_bed():
    cube = _box((0, 0, 0), (10, 10, 10))
    with pytest.raises(PrintabilityError, match="check 'normals' failed: measured inward-facing normals"):
        check_mesh(trimesh.Trimesh(cube.vertices, cube.faces[:, ::-1], process=False), "inside-out cube")
    slotted = to_trimesh(Solid.cube((20, 20, 10)) - Solid.cube((0.5, 30, 30)).translate((9.75, -5, 2)))
    with pytest.raises(PrintabilityError, match=r"check 'feature size' failed: measured gap 0\.500 mm"):
        check_mesh(slotted, "slotted block")
    with pytest.raises(PrintabilityError, match=r"long bar: check 'bed' failed: measured 300\.0 x 20\.0 x 20\.0 mm"):
        check_mesh(_box((0, 0, 0), (300, 20, 20)), "long bar")


def test_checks_reject_a_part_without_a_flat_face_to_stand_on():
    ball = to_trimesh(Solid.sphere(10, 64).translate((0, 0, 10)))
    with pytest.raises(PrintabilityError, match="ball: check 'flat face' failed"):
        check_mesh(ball, "ball")


def test_target_pad_prints_as_a_thin_disc_at_every_scale(manifest):
    pads = [e for e in manifest["files"] if e["object"] == "target"]
    assert {e["scale"] for e in pads if e["task"] == "SlideBlockToTarget"} == {0.75, 1.0, 1.25}
    assert {e["task"] for e in pads} == {"SlideBlockToTarget", "ReachAndDrag"}
    assert all(1.2 <= e["bbox_mm"][2] <= 3.6 and e["min_wall_mm"] >= 1.2 for e in pads)


# --- the bed ---

#: Build volumes (mm) of common printers the default bed must fit: width, depth, height.
PRINTERS = {
    "Prusa MK4": (250.0, 210.0, 220.0),
    "Bambu Lab A1 / P1 / X1": (256.0, 256.0, 256.0),
    "Creality Ender-3": (220.0, 220.0, 250.0),
}


def _fits(bbox, bed) -> bool:
    """A part's bounding box (as it lies) fits the bed, footprint either way round; independent of the exporter."""
    footprint, room = sorted(bbox[:2]), sorted(bed[:2])
    return footprint[0] <= room[0] and footprint[1] <= room[1] and bbox[2] <= bed[2]


def test_the_default_bed_fits_the_common_printers_and_every_release_file_fits_it(manifest):
    assert DEFAULT_BED_MM == (210.0, 210.0, 220.0)
    for printer, volume in PRINTERS.items():
        assert _fits(DEFAULT_BED_MM, volume), f"the default bed does not fit a {printer}"
    assert manifest["bed_mm"] == list(DEFAULT_BED_MM)
    too_big = [e["file"] for e in manifest["files"] if not _fits(e["bbox_mm"], DEFAULT_BED_MM)]
    assert not too_big, f"files larger than the default bed: {too_big}"
    assert max(e["bbox_mm"][2] for e in manifest["files"]) <= 220.0


def test_a_bed_smaller_than_a_part_is_refused_naming_the_part_and_the_bed(tmp_path, monkeypatch):
    def no_layout(*args, **kwargs):
        raise AssertionError("a part was laid out before the bed was checked")

    monkeypatch.setattr(export_module, "layout", no_layout)
    pin = r"CloseBox/box part 'pin' at scale 1\.15 \(6\.9 x 207\.0 x 5\.9 mm\) prints in one piece"
    with pytest.raises(PrintExportError, match=pin + " and does not fit the 200 x 200 x 200 mm bed"):
        export_release(tmp_path, tasks=["CloseBox"], bed=(200, 200, 200))
    cabinet = r"OpenDrawer/cabinet part 'body' at scale 1 \(280\.0 x 300\.0 x 300\.0 mm\) would need \d+ pieces"
    with pytest.raises(PrintExportError, match=cabinet + rf" on the 100 x 100 x 100 mm bed \(at most {MAX_PIECES}\)"):
        export_release(tmp_path, tasks=["OpenDrawer"], scales=[1.0], bed=(100, 100, 100))
    assert not list(tmp_path.rglob("*.stl")) and not (tmp_path / "manifest.yaml").exists()


@pytest.mark.parametrize("bed", [(0, 210, 220), (210, 210), ("wide", 210, 220), (math.nan, 210, 220), (8, 210, 220)])
def test_a_bed_that_is_not_three_sizes_is_refused_before_any_work(tmp_path, bed):
    with pytest.raises(PrintExportError, match="is not a build volume: expected width, depth and height"):
        export_release(tmp_path / "out", tasks=["StackBlocks"], bed=bed)
    assert not any(tmp_path.iterdir())


def test_a_custom_bed_is_honoured_and_recorded(tmp_path, manifest):
    bambu = PRINTERS["Bambu Lab A1 / P1 / X1"]
    items, _, path = export_release(tmp_path, tasks=["OpenDrawer"], scales=[0.85], distractors=False, bed=bambu)
    written = yaml.safe_load(path.read_text())
    assert written["bed_mm"] == list(bambu)
    assert [e["file"] for e in written["files"]] == [i.file for i in items]
    assert all(_fits(e["bbox_mm"], bambu) for e in written["files"])
    # the carcass at 0.85 (238 x 255 x 255 mm) prints whole on this bed, though not on the default one
    (carcass,) = [e for e in written["files"] if e["part"] == "body"]
    assert carcass["file"] == "OpenDrawer/cabinet_body_s0.85.stl" and not _fits(carcass["bbox_mm"], DEFAULT_BED_MM)
    default = [e for e in manifest["files"] if e["object"] == "cabinet" and e["scale"] == 0.85]
    assert len(written["files"]) < len(default)


# --- print-only parts: the hinge pin and the cabinet's stand ---


def test_the_hinge_pin_prints_whole_lying_on_a_flat(manifest, release_meshes):
    pins = [e for e in manifest["files"] if e["task"] == "CloseBox" and e["part"] == "pin"]
    assert {e["scale"] for e in pins} == set(release_scales(load_task("CloseBox"), load_task("CloseBox").objects[0]))
    for entry in pins:
        length = HingedBox().scaled(entry["scale"]).width * 1000
        diameter, long_side, height = entry["bbox_mm"]
        assert "piece" not in entry and entry["orientation"].startswith("+z up")
        assert long_side == pytest.approx(length, abs=0.01) and height < diameter < 10.0  # lying, not standing
        assert not entry["supports"] and entry["overhang_mm2"] == 0
        contact, stable = bed_contact(release_meshes[entry["file"]])
        assert stable and contact >= 0.7 * diameter * length, f"{entry['file']}: no flat to stand on"
        assert "lying on a" in entry["print_features"]


def test_the_cabinet_plinth_prints_as_a_hollow_stand(manifest, release_meshes):
    task = load_task("OpenDrawer")
    wall = features_module.PLINTH_WALL_MM
    for scale in release_scales(task, task.object("cabinet")):
        entries = [e for e in manifest["files"] if e["object"] == "cabinet" and e["scale"] == scale]
        stand = [e for e in entries if e["part"] == "plinth"]
        assert stand, f"no plinth files at scale {scale}"
        assert all(e["min_wall_mm"] == pytest.approx(wall, abs=0.1) for e in stand)
        pieces = _assembled({"files": stand}, release_meshes, "OpenDrawer", "cabinet", scale)
        corners = np.array([m.bounds for m in pieces])
        x, y, z = corners[:, 1].max(axis=0) - corners[:, 0].min(axis=0)
        assert z == pytest.approx(task.object("cabinet").shape.scaled(scale).plinth * 1000, abs=0.01)
        hollow = (x * y - (x - 2 * wall) * (y - 2 * wall)) * z  # walls round the outline, open top and bottom
        assert sum(m.volume for m in pieces) == pytest.approx(hollow, rel=1e-3)
        solid_g = x * y * z / 1000 * manifest["density"]["g_per_cm3"]
        assert sum(e["mass_g"] for e in stand) < 0.1 * solid_g
        assert max(e["mass_g"] for e in entries) < 4600 / 2  # the solid plinth's piece weighed 4.6 kg
    (features,) = [o["print_features"] for o in manifest["objects"] if o["object"] == "cabinet"]
    assert "hollow stand (256.0 x 276.0 x 150.0 mm, 4 mm walls" in features[0]
    assert "256 × 276 × 150 mm" in (RELEASE / "README.md").read_text()  # the stand is documented


# --- agreement with the simulator ---


@pytest.mark.parametrize("task_name", task_names())
def test_exported_objects_match_the_simulated_collision_geometry_within_2_percent(task_name, manifest, release_meshes):
    task = load_task(task_name)
    per_object = [list(release_scales(task, obj)) for obj in task.objects]  # 2 scales when low end == nominal
    count = max(len(scales) for scales in per_object)
    scale_sets = [tuple(scales[min(k, len(scales) - 1)] for scales in per_object) for k in range(count)]
    for scales in scale_sets:  # low ends together, ..., high ends together: every release scale of every object
        model, data = _compiled(task, {obj.name: s for obj, s in zip(task.objects, scales, strict=True)})
        for obj, scale in zip(task.objects, scales, strict=True):
            if not obj.shape.printable:  # a rope, dirt: the manifest names a substitute instead (tested below)
                continue
            geoms = _sim_geoms(model, data, obj.name)
            sim_bounds = _sim_bounds(geoms)
            sim_volume = _sim_volume(geoms, sim_bounds)
            meshes = _assembled(manifest, release_meshes, task_name, obj.name, scale)
            assert meshes, f"{task_name}/{obj.name} at {scale}: no files"
            corners = np.array([m.bounds for m in meshes])
            printed = np.array([corners[:, 0].min(axis=0), corners[:, 1].max(axis=0)])
            expected = sim_bounds
            np.testing.assert_allclose(printed, expected, atol=TOLERANCE * np.ptp(sim_bounds, axis=0).max())
            extents_error = np.abs(np.ptp(printed, axis=0) - np.ptp(expected, axis=0)) / np.ptp(expected, axis=0)
            assert extents_error.max() <= TOLERANCE, f"{task_name}/{obj.name} at {scale}: extents off {extents_error}"
            volume = sum(m.volume for m in meshes)
            expected_volume = sim_volume - _print_only_removed_volume(obj.shape.kind, geoms)
            assert volume == pytest.approx(expected_volume, rel=TOLERANCE), f"{task_name}/{obj.name} at {scale}"


def test_the_scale_in_an_episode_config_is_the_scale_to_print():
    env = gym.make("Arena-StackBlocks-ObjectSize", obs_mode="state")
    _, info = env.reset(seed=3)
    scale = info["episode_config"].perturbations["ObjectSize"]["top_block"]
    assert scale != 1.0
    geoms = _sim_geoms(env.unwrapped.model, env.unwrapped.data, "top_block")
    env.close()
    items = [i for i in plan_release(resolve_tasks(["StackBlocks"]), [scale], False) if i.object == "top_block"]
    assert [i.file for i in items] == [f"StackBlocks/top_block_{scale_label(scale)}.stl"]
    printed = items[0].object_mesh()
    sim_bounds = _sim_bounds(geoms)
    np.testing.assert_allclose(np.ptp(printed.bounds, axis=0), np.ptp(sim_bounds, axis=0), rtol=1e-3)
    assert printed.volume == pytest.approx(_sim_volume(geoms, sim_bounds), rel=TOLERANCE)


def test_hinged_box_parts_assemble_without_interference_and_the_lid_swings_fully_open():
    shape = HingedBox().scaled(0.8)
    parts = {p.name: p.solid for p in printable_object(shape).parts}
    for a, b in (("body", "lid"), ("body", "pin"), ("lid", "pin")):
        assert (parts[a] ^ parts[b]).volume() < 1e-6, f"{a} and {b} overlap"
    axis = np.array([shape.depth / 2, 0.0, shape.height]) * 1000
    for angle in np.linspace(0.0, shape.open_angle, 12):
        turned = parts["lid"].translate(tuple(-axis)).rotate((0.0, math.degrees(angle), 0.0)).translate(tuple(axis))
        assert (turned ^ parts["body"]).volume() < 1e-6, f"lid hits the body at {angle:.2f} rad"


def test_drawers_keep_the_simulated_gap_to_the_carcass():
    cabinet = load_task("OpenDrawer").object("cabinet").shape
    parts = {p.name: p.solid for p in printable_object(cabinet).parts}
    for name in ("drawer_bottom", "drawer_middle", "drawer_top"):
        assert parts["body"].min_gap(parts[name], 10.0) == pytest.approx(cabinet.gap * 1000, abs=0.01)


def test_a_hinged_shape_without_a_printable_hinge_is_refused(monkeypatch):
    monkeypatch.setattr(features_module, "ADAPTERS", {})
    with pytest.raises(PrintabilityError, match="box: check 'hinge' failed.*add an adapter"):
        printable_object(HingedBox(), "box")


def test_every_distractor_toy_prints_as_one_body():
    rng = np.random.default_rng(123)
    for _ in range(60):
        primitives, _ = make_toy(rng)
        assert len(primitives_solid(primitives).decompose()) == 1


# --- coverage: new tasks get printable parts for free ---


def test_every_mo_and_ro_of_every_registered_task_has_a_printable_export(manifest):
    exported = {(e["task"], e["object"], e["scale"]) for e in manifest["files"]}
    for name in task_names():
        task = load_task(name)
        items = plan_release([task], [1.0], distractors=False)
        for obj in task.objects:
            assert obj.role in ("MO", "RO")
            if not obj.shape.printable:  # listed with what to use instead, at every release scale
                entry = next(e for e in manifest["objects"] if (e["task"], e["object"]) == (name, obj.name))
                assert entry["printed"] is False
                assert [s["scale"] for s in entry["substitutes"]] == list(release_scales(task, obj))
                assert all(s["use"].startswith("not printed: ") for s in entry["substitutes"])
                assert not any(i.object == obj.name for i in items)
                continue
            assert any(i.object == obj.name for i in items), f"{name}/{obj.name} has no printable part"
            for scale in release_scales(task, obj):
                assert (name, obj.name, scale) in exported, f"{name}/{obj.name} at {scale} missing from print_models/"
    assert sum(e["role"] == "distractor" for e in manifest["files"]) == export_module.DISTRACTOR_COUNT


def test_every_public_name_of_the_printing_package_resolves():
    import arena.printing

    assert all(hasattr(arena.printing, name) for name in arena.printing.__all__)


def test_scale_labels_keep_two_decimals_unless_more_are_needed():
    assert [scale_label(s) for s in (0.75, 1.0, 1.25, 0.8, 1.1375)] == ["s0.75", "s1.00", "s1.25", "s0.80", "s1.1375"]


# --- bad input ---


def test_unknown_task_lists_the_valid_ones(tmp_path):
    with pytest.raises(UnknownNameError, match="unknown task 'Juggle'; valid tasks: BasketballInHoop, CloseBox"):
        export_release(tmp_path, tasks=["Juggle"])


def test_a_scale_outside_the_task_range_is_refused_with_the_range(tmp_path):
    with pytest.raises(PrintExportError, match=r"scale 1.2 is outside CloseBox's ObjectSize range \[0.8, 1.15\]"):
        export_release(tmp_path, tasks=["CloseBox"], scales=[1.2])
    assert not any(tmp_path.iterdir())


def test_an_unwritable_output_directory_fails_before_any_work(tmp_path, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("geometry was built before the output directory was checked")

    monkeypatch.setattr(export_module, "plan_release", no_work)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(PrintExportError, match=f"output directory {blocker / 'out'} is not writable"):
        export_release(blocker / "out", tasks=["StackBlocks"])
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(PrintExportError, match="not writable"):
            export_release(locked, tasks=["StackBlocks"])


def test_cli_refuses_a_bed_too_small_in_one_line_with_exit_code_2(tmp_path, capsys):
    from arena.cli import main

    out = tmp_path / "prints"
    assert main(["print-models", "--bed", "100x100x100", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert re.match(r"arena print-models: bed too small: \w+/\w+ part '\w+' at scale [0-9.]+ ", err), err
    assert "100 x 100 x 100 mm bed" in err and "choose a larger bed" in err
    assert not list(out.rglob("*.stl"))


def test_existing_files_are_replaced_atomically(tmp_path, monkeypatch):
    target = tmp_path / "part.stl"
    target.write_bytes(b"old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"half-written")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["part.stl"]  # no temporary file left behind


# --- the release never drifts from the simulation ---


def test_export_is_byte_deterministic():
    first = [stl_bytes(i.mesh) for i in plan_release(resolve_tasks(["CloseBox"]), [1.0], False)]
    second = [stl_bytes(i.mesh) for i in plan_release(resolve_tasks(["CloseBox"]), [1.0], False)]
    assert first == second and len(first) == 3


def test_committed_release_matches_the_generator(tmp_path, manifest):
    """CI guard: regenerate with `arena print-models -o print_models` when this fails.

    With the manifold3d version the release was made with, every file must match byte for byte. Another version
    may triangulate differently, so then the geometry is compared instead (bounding box, volume, manifest).
    """
    export_release(tmp_path)
    fresh = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(RELEASE).as_posix() for p in RELEASE.rglob("*") if p.is_file() and p.suffix in (".stl", ".yaml")
    )
    regenerate = "run `arena print-models -o print_models --picture`"
    assert committed == fresh, f"print_models/ has missing or extra files; {regenerate}"
    if manifest["made_with"]["manifold3d"] == version("manifold3d"):
        drifted = [f for f in fresh if (tmp_path / f).read_bytes() != (RELEASE / f).read_bytes()]
        assert not drifted, f"print_models/ differs from the generator in {drifted}; {regenerate}"
        return
    new = yaml.safe_load((tmp_path / "manifest.yaml").read_text())
    keys = ("file", "task", "object", "role", "part", "scale", "color", "orientation")
    assert [[e[k] for k in keys] for e in new["files"]] == [[e[k] for k in keys] for e in manifest["files"]], regenerate
    for old_entry, new_entry in zip(manifest["files"], new["files"], strict=True):
        np.testing.assert_allclose(new_entry["bbox_mm"], old_entry["bbox_mm"], atol=0.02, err_msg=regenerate)
        assert new_entry["volume_cm3"] == pytest.approx(old_entry["volume_cm3"], rel=1e-3, abs=0.02), regenerate


def test_readme_totals_are_the_manifests(manifest):
    """The README quotes the manifest's totals (generated text), and the totals add up the files."""
    files, totals = manifest["files"], manifest["totals"]
    assert totals["files"] == len(files) == len(list(RELEASE.rglob("*.stl")))
    assert totals["parts"] == len({(e["task"], e["object"], e["scale"], e["part"]) for e in files})
    assert totals["mass_g"] == pytest.approx(sum(e["mass_g"] for e in files), abs=0.05)
    assert totals["filament_kg"] == pytest.approx(totals["mass_g"] / 1000, abs=0.005)
    assert totals["files_with_supports"] == sum(e["supports"] for e in files)
    assert sum(row["files"] for row in totals["by_object"]) == len(files)
    assert sum(row["mass_g"] for row in totals["by_object"]) == pytest.approx(totals["mass_g"], abs=0.05)
    readme = (RELEASE / "README.md").read_text()
    assert TOTALS_BEGIN in readme and TOTALS_END in readme, "print_models/README.md lost its totals section"
    section = readme[readme.index(TOTALS_BEGIN) : readme.index(TOTALS_END) + len(TOTALS_END)]
    expected = totals_markdown(manifest)
    assert section == expected, f"update the totals in print_models/README.md to:\n{expected}"
    found = re.search(r"\*\*(\d+) files\*\* for \*\*(\d+) printed parts\*\*.*?\*\*([\d.]+) kg of PLA\*\*", section)
    assert found, "the README's totals sentence changed shape"
    assert (int(found[1]), int(found[2]), float(found[3])) == (len(files), totals["parts"], totals["filament_kg"])


def test_manifest_states_density_colours_orientation_and_supports(manifest):
    from arena.spec.colors import NAMED_COLORS

    assert manifest["density"]["g_per_cm3"] > 0
    for entry in manifest["files"]:
        assert entry["color"] in NAMED_COLORS
        assert entry["orientation"].split()[0] in ("+x", "-x", "+y", "-y", "+z", "-z")
        assert isinstance(entry["supports"], bool)
        assert entry["mass_g"] == pytest.approx(entry["volume_cm3"] * manifest["density"]["g_per_cm3"], abs=0.1)
        footprint, bed = sorted(entry["bbox_mm"][:2]), sorted(manifest["bed_mm"][:2])
        assert footprint[0] <= bed[0] and footprint[1] <= bed[1] and entry["bbox_mm"][2] <= manifest["bed_mm"][2]


def test_accent_coloured_parts_print_in_their_own_filament(manifest):
    """A part with a fixed accent colour (a peg, the dark squares) is its own file in that colour."""
    accents = {
        (task, obj.name, part.name): part.color
        for task in task_names()
        for obj in load_task(task).objects
        for part in obj.shape.parts()
        if part.color is not None
    }
    assert {key[0] for key in accents} >= {"InsertOntoSquarePeg", "SetupChess"}
    for entry in manifest["files"]:
        key = (entry["task"], entry["object"], entry["part"])
        if key in accents:
            assert entry["color"] == accents[key], entry["file"]
        elif entry["task"] != "distractors":
            assert entry["color"] == load_task(entry["task"]).object(entry["object"]).color, entry["file"]
