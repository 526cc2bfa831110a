"""Task YAML files: the shipped ones load; malformed ones fail naming the file, field and what is allowed."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest
import yaml

from arena.errors import TaskSpecError, UnknownNameError
from arena.spec.task import load_task, load_task_file, task_names

from .conftest import TASKS

SHIPPED = Path(__file__).resolve().parents[1] / "tasks"


def test_the_four_core_tasks_are_shipped():
    assert {"StackBlocks", "SlideBlockToTarget", "OpenDrawer", "CloseBox"} <= set(task_names())


@pytest.mark.parametrize("name", TASKS)
def test_shipped_task_has_roles_instructions_and_documentation(name):
    task = load_task(name)
    assert task.objects_with_role("MO")
    assert len(task.instructions) >= 3
    assert task.description and task.randomizations and task.success_conditions


def test_unknown_task_name_lists_the_valid_ones():
    with pytest.raises(UnknownNameError, match="valid tasks: .*StackBlocks"):
        load_task("StackBlock")


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load((SHIPPED / "StackBlocks.yaml").read_text())
    mutate(raw)
    path = tmp_path / "StackBlocks.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("mutate", "field", "allowed"),
    [
        (lambda r: r.pop("max_steps"), "max_steps", "missing"),
        (lambda r: r.update(max_steps=-3), "max_steps", "positive integer"),
        (lambda r: r["objects"][0].update(role="XX"), "objects[0].role", "'MO', 'RO'"),
        (lambda r: r["objects"][0].update(shape="pyramid"), "objects[0].shape", "valid shapes"),
        (lambda r: r["objects"][0].update(color="beige"), "objects[0].color", "red"),
        (lambda r: r["objects"][0]["spawn"].update(x=[0.6, 0.4]), "objects[0].spawn.x", "low <= high"),
        (lambda r: r.update(instructions=["one", "two"]), "instructions", "at least 3"),
        (lambda r: r["instructions"].append("grab the {ball_color} ball"), "instructions[4]", "allowed"),
        (lambda r: r.update(success={"on_top": {}}), "success", "unknown predicate"),
        (
            lambda r: r.update(success={"released": {"object": "ghost"}}),
            "success.released.object",
            "task objects",
        ),
        (lambda r: r.update(expert=[{"teleport": {}}]), "expert[0]", "valid skills"),
        (lambda r: r.update(expert=[{"pick": {}}]), "expert[0].pick", "required ['object']"),
        (lambda r: r.update(colour="red"), "<root>", "allowed"),
    ],
)
def test_malformed_task_names_file_field_and_what_is_allowed(tmp_path, mutate, field, allowed):
    path = _write(tmp_path, mutate)
    with pytest.raises(TaskSpecError) as error:
        load_task_file(path)
    message = str(error.value)
    assert message.startswith("StackBlocks.yaml: field ")
    assert field in message
    assert allowed in message


def test_task_name_must_match_its_file(tmp_path):
    path = _write(tmp_path, lambda r: r.update(name="Other"))
    with pytest.raises(TaskSpecError, match="must equal the file name"):
        load_task_file(path)


def test_invalid_yaml_is_reported_with_the_file_name(tmp_path):
    path = tmp_path / "Broken.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(TaskSpecError, match="Broken.yaml: not valid YAML"):
        load_task_file(path)


# --- Prose vs fields: every number with a unit in the free text must come from the task's fields. ---

#: Unit words and the factor to SI (metres, radians); longer spellings first so "mm" is not read as "m".
_UNIT_FACTORS = {
    "mm": 0.001,
    "millimetres": 0.001,
    "millimeters": 0.001,
    "cm": 0.01,
    "centimetres": 0.01,
    "centimeters": 0.01,
    "metres": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "meter": 1.0,
    "m": 1.0,
    "radians": 1.0,
    "radian": 1.0,
    "rad": 1.0,
    "degrees": math.pi / 180,
    "degree": math.pi / 180,
    "deg": math.pi / 180,
    "°": math.pi / 180,
}
_NUMBER = r"-?\d+(?:\.\d+)?"
#: One number, a range ("0.38-0.62", "2.0 to 2.2", "between 2.0 and 2.2") or a list ("[-0.79, 0.79]"), then a unit.
_QUANTITY = re.compile(
    rf"(?P<numbers>\[?\s*{_NUMBER}(?:\s*(?:,|-|–|to|and)\s*{_NUMBER})*\s*\]?)\s*"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in sorted(_UNIT_FACTORS, key=len, reverse=True))})(?![A-Za-z])"
)
#: Relative tolerance of a prose number against a field value; on top, the prose may round to its last digit.
_REL_TOL = 0.02


def _prose_quantities(text: str) -> list[tuple[str, float, float, int]]:
    """Every (phrase, number as written, unit factor to SI, decimals written) in ``text``."""
    found = []
    for match in _QUANTITY.finditer(" ".join(text.split())):
        factor = _UNIT_FACTORS[match["unit"]]
        for written in re.finditer(r"\d+(?:\.(\d+))?", match["numbers"]):
            decimals = len(written[1] or "")
            found.append((match[0].strip(), float(written[0]), factor, decimals))
    return found


def _numbers_in(tree) -> list[float]:
    if isinstance(tree, bool):
        return []
    if isinstance(tree, int | float):
        return [float(tree)]
    if isinstance(tree, dict):
        return [v for value in tree.values() for v in _numbers_in(value)]
    if isinstance(tree, list | tuple):
        return [v for value in tree for v in _numbers_in(value)]
    return []


def _field_values(task) -> set[float]:
    """Magnitudes (SI) the prose may quote: shape parameters, spawn ranges, initial joints, min_separation,
    success-predicate and expert-plan arguments. Counts (integer shape parameters such as ``drawers``) are left out.
    """
    values = [task.min_separation, *_numbers_in(task.success), *_numbers_in(list(task.expert))]
    for obj in task.objects:
        for f in dataclasses.fields(obj.shape):
            value = getattr(obj.shape, f.name)
            if isinstance(value, float) or (isinstance(value, int) and f.name not in obj.shape.unscaled):
                values.append(float(value))
        values += [*obj.spawn.x, *obj.spawn.y, *obj.spawn.yaw]
        for low, high in obj.initial_joints.values():
            values += [low, high]
    return {abs(v) for v in values}


def _prose_drift(task, text: str) -> list[str]:
    """Quantities in ``text`` that no field value matches (after unit conversion, within the tolerance)."""
    values = _field_values(task)
    drift = []
    for phrase, written, factor, decimals in _prose_quantities(text):
        tolerance = max(_REL_TOL * written, 0.5 * 10.0**-decimals)
        if not any(abs(value / factor - written) <= tolerance for value in values):
            drift.append(phrase)
    return drift


def test_prose_quantities_are_read_with_their_units():
    quantities = _prose_quantities(
        "below 0.15 rad (about 9 degrees); at least 3 cm apart, 2 mm thick, x 0.38-0.62 m, "
        "yaw in [-0.79, 0.79] rad, between 2.0 and 2.2 rad, 5 more blocks"
    )
    assert [(w, f) for _, w, f, _ in quantities] == [
        (0.15, 1.0),
        (9.0, math.pi / 180),
        (3.0, 0.01),
        (2.0, 0.001),
        (0.38, 1.0),
        (0.62, 1.0),
        (0.79, 1.0),
        (0.79, 1.0),
        (2.0, 1.0),
        (2.2, 1.0),
    ]


@pytest.mark.parametrize("name", TASKS)
def test_prose_numbers_match_the_task_fields(name):
    task = load_task(name)
    for field_name in ("description", "success_conditions"):
        drift = _prose_drift(task, getattr(task, field_name))
        assert not drift, (
            f"{name}.yaml: {field_name} quotes {drift}, which match no field value "
            f"(in SI: {sorted(_field_values(task))}); fix the prose, not the fields"
        )
    assert not _prose_drift(task, task.randomizations)


def test_prose_check_catches_a_separation_the_prose_misstates(tmp_path):
    """The old StackBlocks bug: the prose said the blocks start 3 cm apart while ``min_separation: 0.04``."""

    def with_prose(distance: str) -> Path:
        def mutate(raw):
            raw["description"] += f" Their footprints start at least {distance} apart."

        return _write(tmp_path, mutate)

    drifted = load_task_file(with_prose("3 cm"))
    assert drifted.min_separation == 0.04
    assert _prose_drift(drifted, drifted.description) == ["3 cm"]
    fixed = load_task_file(with_prose("4 cm"))
    assert _prose_drift(fixed, fixed.description) == []
    assert _prose_drift(fixed, "the lid closes within about 9 degrees of 0.15 rad") == ["9 degrees", "0.15 rad"]


@pytest.mark.parametrize("name", TASKS)
def test_randomizations_text_mentions_every_spawn_range(name):
    task = load_task(name)
    text = task.randomizations
    starts = sorted((text.index(f"{obj.name} ({obj.role})"), obj) for obj in task.objects)
    ends = [start for start, _ in starts[1:]] + [len(text)]
    for (start, obj), end in zip(starts, ends, strict=True):
        segment = text[start:end]
        if obj.home is not None and task.displaced is None:  # it always starts on its home: no spawn draw
            assert f"starts on {obj.home.object} at {obj.home.site}" in segment
            continue
        written = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", segment)]
        expected = [*obj.spawn.x, *obj.spawn.y]
        if obj.spawn.yaw != (0.0, 0.0):
            expected += [*obj.spawn.yaw]
        remaining = iter(written)  # the bounds appear in order: x, y, then yaw
        missing = [v for v in expected if not any(math.isclose(abs(v), w) for w in remaining)]
        assert not missing, f"{name}: randomizations for {obj.name} lack spawn bounds {missing}: {segment!r}"
    if len(task.objects) > 1:
        assert f"{task.min_separation * 100:g} cm" in text


def _write_task(tmp_path: Path, name: str, mutate) -> Path:
    raw = yaml.safe_load((SHIPPED / f"{name}.yaml").read_text())
    mutate(raw)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("name", "mutate", "message"),
    [
        ("StackCups", lambda r: r["objects"][1].update(scale_with="ghost"), "objects\\[1\\].scale_with.*not an object"),
        ("StackCups", lambda r: r["objects"][0].update(scale_with="cup_c"), "listed before 'cup_a'"),
        ("StackCups", lambda r: r["objects"][2].update(scale_with="cup_b"), "name the group's first object"),
        ("SetupChess", lambda r: r["objects"][2].update(scale_with="board"), "same role"),
        ("SetupChess", lambda r: r["objects"][1]["home"].update(site="square_z9"), "home.site.*sites"),
        ("SetupChess", lambda r: r["objects"][1]["home"].update(object="rook"), "must be a fixed object"),
        ("SetupChess", lambda r: r["objects"][1].update(home={"object": "board"}), "objects\\[1\\].home"),
        ("SetupChess", lambda r: r["variants"].update(displaced=["one", "four"]), "'four' is not a count from 1 to 3"),
        ("SetupChess", lambda r: r["variants"].update(displaced=["0", "1"]), "'0' is not a count"),
        ("SetupChess", lambda r: r.update(displaced={"variant": "ghost"}), "field 'displaced'"),
        ("StackCups", lambda r: r.update(displaced={"variant": "target_cup"}), "field 'displaced'"),
    ],
)
def test_groups_homes_and_displacement_are_validated(tmp_path, name, mutate, message):
    with pytest.raises(TaskSpecError, match=message):
        load_task_file(_write_task(tmp_path, name, mutate))


def test_home_and_group_fields_are_read():
    task = load_task("SetupChess")
    assert task.displaced.variant == "displaced"
    assert [o.name for o in task.homed_objects()] == ["king", "rook", "pawn"]
    assert task.object("king").home.object == "board" and task.object("pawn").scale_with == "king"
    assert "start displaced" in task.randomizations
