"""Generated documentation: the README task table matches the task registry and the recorded expert rates."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import yaml

from arena.spec.task import load_task, load_task_file, task_names

ROOT = Path(__file__).resolve().parents[1]


def _load_script(relative: str) -> ModuleType:
    """Import a script that is not in a package (registered in ``sys.modules``, as dataclasses need)."""
    path = ROOT / relative
    name = f"_arena_docs_{path.parent.name}_{path.stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


tables = _load_script("scripts/make_docs_tables.py")


def test_readme_task_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text()
    assert readme.count(tables.START) == 1 and readme.count(tables.END) == 1, "README.md lost its table markers"
    assert tables.current_region(readme) == tables.tasks_region(), (
        "README.md task table is out of date: run python scripts/make_docs_tables.py to regenerate"
    )


def test_every_registry_task_has_a_row_with_its_fields():
    table = tables.tasks_table()
    rows = table.splitlines()[2:]
    assert len(rows) == len(task_names())
    for name, row in zip(task_names(), rows, strict=True):
        task = load_task(name)
        assert row.startswith(f"| {name}")
        assert " ".join(task.success_conditions.split()) in row
        assert f"`{task.video_camera}`" in row
        assert f"]({tables.picture_path(name)})" in row
        for obj in task.objects:
            assert f"`{obj.name}`" in row


def test_every_registry_task_has_its_front_camera_picture():
    from PIL import Image

    for name in task_names():
        path = ROOT / tables.picture_path(name)
        assert path.exists(), f"{path} missing: run MUJOCO_GL=egl python scripts/make_docs_images.py"
        with Image.open(path) as image:
            assert image.size == (128, 128) and image.mode == "RGB", (path, image.size, image.mode)
            colours = np.unique(np.asarray(image).reshape(-1, 3), axis=0)
            assert len(colours) > 50, f"{path} is (nearly) blank"


def test_every_registry_task_has_a_recorded_expert_rate():
    recorded = tables.load_expert_data()
    missing = sorted(set(task_names()) - set(recorded))
    assert not missing, (
        f"no expert rate recorded for {missing}: run MUJOCO_GL=egl python benchmarks/expert_success.py "
        f"--tasks {' '.join(missing)} --write-docs"
    )


def test_a_new_task_file_adds_a_row(tmp_path):
    raw = yaml.safe_load((ROOT / "tasks" / "CloseBox.yaml").read_text())
    raw["name"] = "CloseBoxTwice"
    raw["video_camera"] = "left_shoulder"
    path = tmp_path / "CloseBoxTwice.yaml"
    path.write_text(yaml.safe_dump(raw))
    tasks = [load_task(name) for name in task_names()] + [load_task_file(path)]
    rows = tables.tasks_table(tasks, tables.load_expert_data()).splitlines()
    assert len(rows) == 2 + len(task_names()) + 1
    assert rows[-1].startswith(
        "| CloseBoxTwice | ![CloseBoxTwice](docs/tasks/CloseBoxTwice.png) | `box` (orange hinged box) | — |"
    )
    assert "`left_shoulder`" in rows[-1] and rows[-1].endswith("| not measured |")


def test_region_replacement_keeps_the_rest_of_the_file():
    text = f"# Title\n\nbefore\n{tables.START}\nold table\n{tables.END}\nafter | with pipes\n"
    updated = tables.replace_region(text, tables.tasks_region("| new |"))
    assert updated.startswith("# Title\n\nbefore\n" + tables.START)
    assert updated.endswith(tables.END + "\nafter | with pipes\n")
    assert "old table" not in updated and "| new |" in updated


def test_table_cells_escape_pipes_and_join_lines():
    assert tables._cell("a | b\n  c") == "a \\| b c"


def test_expert_benchmark_merges_its_rates_into_the_docs_data(tmp_path):
    bench = _load_script("benchmarks/expert_success.py")
    path = tmp_path / "expert_success.json"
    path.write_text(json.dumps({"tasks": {"CloseBox": {"episodes": 5, "successes": 5}, "Gone": {"episodes": 1}}}))
    result = bench.TaskResult(task="StackBlocks", successes=9, episodes=10)
    data = bench.write_docs_data([result], first_seed=3, path=path)
    assert data == json.loads(path.read_text())
    assert data["tasks"] == {
        "CloseBox": {"episodes": 5, "successes": 5},
        "StackBlocks": {"episodes": 10, "successes": 9, "first_seed": 3},
    }
    assert tables._expert(data["tasks"]["StackBlocks"]) == "90% (9/10)"


def test_benchmarks_default_to_every_registry_task():
    for script in ("benchmarks/expert_success.py", "benchmarks/axis_solvability.py"):
        assert _load_script(script).parse_args([]).tasks == list(task_names()), script


def test_the_readme_python_examples_run_as_written():
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README.md has no python example"
    for block in blocks:
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
        env = namespace.get("env")
        if env is not None:
            env.close()
