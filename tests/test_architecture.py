"""The layout's rules (docs/architecture.md): layers import only downward, no import circles, the spec layer and the
result readers load without MuJoCo, the core never imports the policies, heavy optional dependencies are lazy."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Package folders and the import name they install as.
PACKAGES = {"arena": ROOT / "arena", "arena.policies": ROOT / "policies", "arena.real": ROOT / "real"}
#: Heavy optional dependencies: each may be imported by one module only, and only inside a function.
HEAVY = ("ray", "rclpy", "websockets", "lerobot")
#: Heavy dependencies that a whole package is built on: only its modules import them (not its ``__init__``), and
#: modules outside it import those modules only inside functions.
HEAVY_PACKAGES = {"torch": "arena.policies.learned", "safetensors": "arena.policies.learned"}
#: Modules of those packages that must stay free of the dependency (they are read before deciding to load it).
LIGHT_MODULES = ("arena.policies.learned", "arena.policies.learned.config", "arena.policies.learned.factory")

#: The eval modules the leaderboard may import: protocol, result schema and files, the report's statistics.
LEADERBOARD_EVAL_MODULES = {"arena.eval.protocol", "arena.eval.schema", "arena.eval.results", "arena.eval.report"}
#: Layers, lowest first: a module may import its own layer and those listed for it.
LAYERS: dict[str, set[str]] = {
    "ground": set(),
    "objects": {"ground"},
    "spec": {"ground", "objects"},
    "sim": {"ground", "objects", "spec"},
    "env": {"ground", "objects", "spec", "sim"},
    "eval": {"ground", "spec", "env"},
    "data": {"ground", "spec", "env", "eval"},
    "printing": {"ground", "objects", "spec", "sim"},
    "leaderboard": {"ground", "objects", "spec", "eval"},  # of eval: LEADERBOARD_EVAL_MODULES only
    "policies": {"ground", "objects", "spec", "sim", "env", "eval", "data"},
    "real": {"ground", "objects", "spec", "sim", "env", "eval", "data", "printing", "policies"},
    "cli": {"ground", "objects", "spec", "sim", "env", "eval", "data", "printing", "leaderboard", "policies", "real"},
}


def layer_of(module: str) -> str:
    """The layer a module belongs to (docs/architecture.md)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "env"  # arena/__init__.py registers the gymnasium ids
    second = parts[1]
    if second in ("errors", "paths", "arguments"):
        return "ground"
    if second in ("sim", "robot", "perturbations", "geometry"):
        return "sim"
    if second in ("env", "registration"):
        return "env"
    layers = {"objects": "objects", "spec": "spec", "eval": "eval", "data": "data", "printing": "printing"}
    layers["leaderboard"] = "leaderboard"
    layers["real"] = "real"
    return (layers | {"policies": "policies"}).get(second, "cli" if second == "cli" else "unknown")


def all_modules() -> dict[str, Path]:
    """Every Arena module (import name -> file)."""
    modules = {}
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(folder).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            modules[".".join([package, *parts])] = path
    return modules


MODULES = all_modules()


def _resolve(name: str, level: int, current: str, is_package: bool) -> str:
    if level == 0:
        return name
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(module: str, top_level_only: bool = False) -> set[str]:
    """Arena modules and third-party top-level names ``module`` imports (function-level imports included unless
    ``top_level_only``)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node.module or "", node.level, module, path.name == "__init__.py")
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found


def test_the_module_walk_finds_every_layer():
    layers = {layer_of(m) for m in MODULES}
    assert "unknown" not in layers, [m for m in MODULES if layer_of(m) == "unknown"]
    assert set(LAYERS) == layers


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_its_own_or_lower_layers(module):
    own = layer_of(module)
    allowed = LAYERS[own] | {own}
    upward = sorted(
        f"{target} ({layer_of(target)})"
        for target in imports_of(module)
        if target in MODULES and layer_of(target) not in allowed
    )
    assert not upward, f"{module} ({own}) imports higher layers: {upward}"


def find_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of nodes that import each other, directly or round a loop (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return circles


def test_circle_finder_finds_a_loop_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_circles(graph) == [["a", "b", "c"]]
    assert find_circles({"a": {"b"}, "b": set()}) == []


def test_there_are_no_module_level_import_circles():
    graph = {m: {t for t in imports_of(m, top_level_only=True) if t in MODULES and t != m} for m in MODULES}
    assert not find_circles(graph), f"import circles: {find_circles(graph)}"


def _fresh(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_module_imports_alone_in_a_fresh_interpreter():
    # One interpreter, Arena's modules forgotten before each import: each import starts from nothing of Arena, as
    # in a fresh process (third-party packages stay cached, which is what makes this fast).
    code = f"""
        import importlib, json, sys
        failures = {{}}
        for name in {sorted(MODULES)!r}:
            for loaded in [m for m in sys.modules if m == "arena" or m.startswith("arena.")]:
                del sys.modules[loaded]
            try:
                importlib.import_module(name)
            except Exception as error:
                failures[name] = f"{{type(error).__name__}}: {{error}}"
        print(json.dumps(failures))
    """
    failures = json.loads(_fresh(code).strip().splitlines()[-1])
    assert not failures


def test_sampling_any_episode_and_reading_results_loads_no_mujoco():
    code = """
        import sys
        import arena
        from arena.spec import sample_episode, task_names, AXIS_NAMES
        from arena.spec.axes import axis_applies
        from arena.spec.task import load_task
        from arena.eval import protocol, results, schema
        for task in task_names():
            for axis in AXIS_NAMES:
                if axis_applies(axis, load_task(task)):
                    sample_episode(task, axis, protocol.episode_seed(task, axis, 0))
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("mujoco", "torch", "ray", "matplotlib"))
        print(heavy)
    """
    assert _fresh(code).strip() == "[]"


def test_the_leaderboard_reads_only_light_eval_modules_and_validates_without_mujoco():
    leaderboard = [m for m in MODULES if layer_of(m) == "leaderboard"]
    evals = {t for m in leaderboard for t in imports_of(m) if t in MODULES and layer_of(t) == "eval"}
    assert leaderboard and evals <= LEADERBOARD_EVAL_MODULES, sorted(evals - LEADERBOARD_EVAL_MODULES)
    code = """
        import sys
        from arena.leaderboard.archive import RESULTS_FILE, read_bundle, write_bundle
        from arena.leaderboard.validator import validate_bundle
        members, _ = read_bundle("leaderboard/submissions/random.zip")
        members[RESULTS_FILE] = b"\\n".join(members[RESULTS_FILE].splitlines()[:25])  # one cell: fast
        assert {p.rule for p in validate_bundle(write_bundle(members)).problems} == {"checksum", "grid"}
        validating = sorted(m for m in sys.modules if m.split(".")[0] in ("mujoco", "torch", "matplotlib"))
        import arena.leaderboard.site
        print(validating, sorted(m for m in sys.modules if m.split(".")[0] in ("mujoco", "torch")))
    """
    assert _fresh(code).strip() == "[] []"


def test_the_core_never_imports_the_policies():
    core = [m for m in MODULES if layer_of(m) not in ("policies", "real", "cli")]
    static = {m: sorted(t for t in imports_of(m) if t.startswith("arena.policies")) for m in core}
    assert not {m: t for m, t in static.items() if t}
    code = f"""
        import importlib, sys
        for name in {sorted(core)!r}:
            importlib.import_module(name)
        print(sorted(m for m in sys.modules if m.startswith("arena.policies")))
    """
    assert _fresh(code).strip() == "[]"


@pytest.mark.parametrize("dependency", HEAVY)
def test_heavy_optional_dependencies_are_imported_lazily_by_one_module(dependency):
    importers = sorted(m for m in MODULES if any(t.split(".")[0] == dependency for t in imports_of(m)))
    assert len(importers) <= 1, f"{dependency} is imported by several modules: {importers}"
    for module in importers:
        at_top = {t.split(".")[0] for t in imports_of(module, top_level_only=True)}
        assert dependency not in at_top, f"{module} imports {dependency} at module level; import it inside a function"


@pytest.mark.parametrize("dependency", sorted(HEAVY_PACKAGES))
def test_package_sized_dependencies_stay_inside_their_package(dependency):
    package = HEAVY_PACKAGES[dependency]
    importers = {m for m in MODULES if any(t.split(".")[0] == dependency for t in imports_of(m))}
    outside = sorted(m for m in importers if not m.startswith(package + "."))
    assert not outside, f"{dependency} is imported outside {package}: {outside}"
    light = sorted(m for m in importers if m in LIGHT_MODULES)
    assert not light, f"{light} must load without {dependency}"
    heavy_modules = importers | {m for m in MODULES if m.startswith(package + ".") and m not in LIGHT_MODULES}
    for module in MODULES:
        if module.startswith(package):
            continue
        at_top = imports_of(module, top_level_only=True) & heavy_modules
        assert not at_top, f"{module} imports {sorted(at_top)} at module level; import it inside a function"


def test_reading_a_checkpoint_config_loads_no_torch():
    code = """
        import sys
        from arena.policies.learned.config import shipped_checkpoints
        from arena.policies.learned.factory import CheckpointFactory
        import arena.policies
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "safetensors")))
    """
    assert _fresh(code).strip() == "[]"
