"""Task YAML files: the shipped ones load; malformed ones fail naming the file, field and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from arena.errors import TaskSpecError, UnknownNameError
from arena.spec.task import load_task, load_task_file, task_names

from .conftest import TASKS

SHIPPED = Path(__file__).resolve().parents[1] / "tasks"


def test_the_four_core_tasks_are_shipped():
    assert set(TASKS) <= set(task_names())


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
