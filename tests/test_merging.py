"""arena merge: parents reproduced bit for bit, the linear mean, slerp / task arithmetic / DARE by their
definitions, refusals that name the offending tensor or field, per-module alphas, and a merged checkpoint that
evaluates through the harness."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from safetensors.torch import load_file, save_file  # noqa: E402

from arena.cli import main as cli_main  # noqa: E402
from arena.eval.evaluation import evaluate  # noqa: E402
from arena.policies.learned.config import SHIPPED_DIR, CheckpointError  # noqa: E402
from arena.policies.learned.merging import (  # noqa: E402
    MODULE_GROUPS,
    dare,
    merge_checkpoints,
    merge_tensor,
    module_group,
    slerp,
)

SHIPPED = SHIPPED_DIR / "arena-vla-small"


def _variant(tmp_path, name, seed):
    """A checkpoint like the shipped one with its weights perturbed by seeded noise."""
    folder = tmp_path / name
    shutil.copytree(SHIPPED, folder)
    generator = torch.Generator().manual_seed(seed)
    tensors = load_file(str(folder / "model.safetensors"))
    noisy = {k: v + 0.1 * torch.randn(v.shape, generator=generator) for k, v in tensors.items()}
    save_file(noisy, str(folder / "model.safetensors"))
    return folder


@pytest.fixture
def parents(tmp_path):
    return _variant(tmp_path, "base", 1), _variant(tmp_path, "tuned", 2)


def _weights(folder):
    return load_file(str(folder / "model.safetensors"))


def test_alpha_zero_and_one_give_the_parents_bit_for_bit(parents, tmp_path):
    base, tuned = parents
    for alpha, parent in ((0.0, base), (1.0, tuned)):
        for method in ("linear", "slerp", "task-arithmetic"):
            merged = _weights(merge_checkpoints(base, tuned, tmp_path / f"{method}{alpha}", alpha, method))
            assert all(torch.equal(merged[k], v) for k, v in _weights(parent).items()), (method, alpha)


def test_merging_a_checkpoint_with_itself_gives_the_same_weights(parents, tmp_path):
    base, _ = parents
    merged = _weights(merge_checkpoints(base, base, tmp_path / "self", 0.3, "slerp"))
    assert all(torch.allclose(merged[k], v, atol=1e-6) for k, v in _weights(base).items())


def test_a_linear_merge_at_one_half_is_the_mean_of_the_parents(parents, tmp_path):
    base, tuned = parents
    merged, a, b = _weights(merge_checkpoints(base, tuned, tmp_path / "mean", 0.5)), _weights(base), _weights(tuned)
    assert all(torch.allclose(merged[k], (a[k] + b[k]) / 2, atol=1e-7) for k in a)
    config = json.loads((tmp_path / "mean" / "config.json").read_text())
    assert config["merge"]["method"] == "linear" and config["merge"]["alpha"] == 0.5
    assert len(config["merge"]["parents"]["base"]["weights_sha256"]) == 64


def test_slerp_task_arithmetic_and_dare_follow_their_definitions():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 2.0])
    # Between orthogonal vectors, slerp at 1/2 is (sin(pi/4) a + sin(pi/4) b) / sin(pi/2).
    assert torch.allclose(slerp(a, b, 0.5), math.sin(math.pi / 4) * (a + b))
    assert torch.allclose(slerp(a, 3 * a, 0.5), 2 * a)  # parallel: linear
    assert torch.allclose(merge_tensor(a, b, 1.5, "task-arithmetic"), a + 1.5 * (b - a))
    base, tuned = torch.zeros(10_000), torch.ones(10_000)
    merged = dare(base, tuned, 1.0, 0.25, torch.Generator().manual_seed(0))
    kept = merged != 0
    assert torch.all(merged[kept] == 4.0)  # kept entries rescaled by 1 / density
    assert abs(kept.float().mean().item() - 0.25) < 0.02
    again = dare(base, tuned, 1.0, 0.25, torch.Generator().manual_seed(0))
    assert torch.equal(merged, again)
    counter = torch.tensor([3, 4])
    assert torch.equal(merge_tensor(counter, torch.tensor([5, 6]), 0.4, "linear"), counter)  # integers: nearer parent


def test_per_module_alphas_follow_the_declared_groups(parents, tmp_path):
    base, tuned = parents
    alphas = {"vision": 1.0, "action": 0.0}
    merged = _weights(merge_checkpoints(base, tuned, tmp_path / "mod", 0.5, alpha_by_module=alphas))
    a, b = _weights(base), _weights(tuned)
    for name, value in merged.items():
        group = module_group("vla", name)
        expected = {"vision": b[name], "action": a[name], "language": (a[name] + b[name]) / 2}[group]
        assert torch.allclose(value, expected, atol=1e-7), name
    assert set(MODULE_GROUPS["vla"]) == {"vision", "language", "action"}
    with pytest.raises(CheckpointError, match=r"unknown module group\(s\) \['backbone'\].*valid: vision"):
        merge_checkpoints(base, tuned, tmp_path / "bad", 0.5, alpha_by_module={"backbone": 1.0})


def test_mismatched_checkpoints_are_refused_naming_what_differs(parents, tmp_path):
    base, tuned = parents
    tensors = _weights(tuned)
    renamed = tmp_path / "renamed"
    shutil.copytree(tuned, renamed)
    save_file({("head.2.weight" if k == "head.1.weight" else k): v for k, v in tensors.items()},
              str(renamed / "model.safetensors"))  # fmt: skip
    with pytest.raises(CheckpointError, match="tensor 'head.1.weight' is missing from the finetuned checkpoint"):
        merge_checkpoints(base, renamed, tmp_path / "x")
    save_file({k: v.half() if k == "queries" else v for k, v in tensors.items()}, str(renamed / "model.safetensors"))
    with pytest.raises(CheckpointError, match="tensor 'queries' is torch.float32 in the base, torch.float16"):
        merge_checkpoints(base, renamed, tmp_path / "x")
    save_file({k: v[:5] if k == "queries" else v for k, v in tensors.items()}, str(renamed / "model.safetensors"))
    with pytest.raises(CheckpointError, match=r"tensor 'queries' has shape \(10, 128\) in the base and \(5, 128\)"):
        merge_checkpoints(base, renamed, tmp_path / "x")
    config = json.loads((tuned / "config.json").read_text())
    for field, change in (("normalization", {"state": {}, "action": {}}), ("action_spec", {"dim": 6})):
        edited = tmp_path / f"edited_{field}"
        shutil.copytree(tuned, edited)
        (edited / "config.json").write_text(json.dumps(config | {field: change}))
        with pytest.raises(CheckpointError, match=f"config field '{field}' differs") as error:
            merge_checkpoints(base, edited, tmp_path / "x")
        assert ("arena train --init BASE" in str(error.value)) == (field == "normalization")
    with pytest.raises(CheckpointError, match=r"alpha 1.5 for the model is outside \[0, 1\]"):
        merge_checkpoints(base, tuned, tmp_path / "x", 1.5)


def test_a_merged_checkpoint_evaluates_through_arena_eval(parents, tmp_path, capsys):
    base, tuned = parents
    assert cli_main(["merge", str(base), str(tuned), "--alpha", "0.25", "--method", "dare", "-o",
                     str(tmp_path / "merged")]) == 0  # fmt: skip
    assert "merged checkpoint (dare)" in capsys.readouterr().out
    results = evaluate(f"checkpoint:{tmp_path / 'merged'}", ["OpenDrawer"], ["None"], 1, tmp_path / "eval",
                       max_steps=10, progress=False)  # fmt: skip
    record = json.loads(results.read_text().splitlines()[0])
    assert record["error"] is None and record["steps"] == 10


def test_an_alpha_sweep_evaluates_every_group_and_resumes(parents, tmp_path):
    from arena.policies.learned.sweep import GROUPS, sweep_alpha

    base, tuned = parents
    arguments = (base, tuned, [0.0, 1.0], "OpenDrawer", ["Lighting"], ["CloseLaptopLid"], 1, tmp_path / "sweep")
    report = sweep_alpha(*arguments, progress=False, max_steps=5).read_text()
    assert report.count("n=1") == 2 * len(GROUPS)
    assert "| 0.00 |" in report and "| 1.00 |" in report and (tmp_path / "sweep" / "sweep.png").exists()
    results = tmp_path / "sweep" / "alpha-1.00" / "results.jsonl"
    assert len(results.read_text().splitlines()) == 3
    sweep_alpha(*arguments, progress=False, max_steps=5)  # resumes: nothing is played twice
    assert len(results.read_text().splitlines()) == 3
    merged = json.loads((tmp_path / "sweep" / "checkpoints" / "alpha-1.00" / "config.json").read_text())
    assert merged["merge"]["alpha"] == 1.0


def test_a_sweep_can_hold_module_groups_at_fixed_alphas(parents, tmp_path):
    from arena.policies.learned.merging import module_group
    from arena.policies.learned.sweep import sweep_alpha

    base, tuned = parents
    out = tmp_path / "sweep"
    report = sweep_alpha(base, tuned, [1.0], "OpenDrawer", [], [], 1, out, progress=False, max_steps=2,
                         alpha_by_module={"vision": 0.0}).read_text()  # fmt: skip
    assert "Held at every point: vision α = 0" in report
    merged = load_file(str(out / "checkpoints" / "alpha-1.00" / "model.safetensors"))
    parent = {"base": load_file(str(Path(base) / "model.safetensors")),
              "tuned": load_file(str(Path(tuned) / "model.safetensors"))}  # fmt: skip
    for name, tensor in merged.items():
        source = "base" if module_group("vla", name) == "vision" else "tuned"
        assert torch.equal(tensor, parent[source][name]), name
    assert json.loads((out / "sweep.json").read_text())["alpha_by_module"] == {"vision": 0.0}
