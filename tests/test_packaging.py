"""Packaging: every subpackage is declared, so a non-editable ``pip install .`` ships all of Arena."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_arena_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(config["packages"])
    mapped = {name: ROOT / folder for name, folder in config["package-dir"].items()}
    found = {"arena"}
    for init in (ROOT / "arena").rglob("__init__.py"):
        relative = init.parent.relative_to(ROOT)
        found.add(".".join(relative.parts))
    found |= set(mapped)
    assert found <= declared, f"add to [tool.setuptools] packages: {sorted(found - declared)}"
    assert all(folder.is_dir() for folder in mapped.values())
