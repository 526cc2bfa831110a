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


def _requirement_names(requirements: list[str]) -> set[str]:
    import re

    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_every_third_party_import_is_a_declared_dependency():
    import ast
    import sys
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _requirement_names(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared |= _requirement_names(extra)
    providers = packages_distributions()
    undeclared = {}
    for folder in (ROOT / "arena", ROOT / "policies"):
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top == "arena":
                        continue
                    distributions = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
                    if not distributions & declared:
                        undeclared.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    assert not undeclared, f"imports with no dependency in pyproject.toml: {undeclared}"
