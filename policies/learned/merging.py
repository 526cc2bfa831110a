"""``arena merge``: parameter merging of a base (generalist) and a finetuned checkpoint, as RETAIN does.

``linear``: θ = (1 − α)·θ_base + α·θ_finetuned. ``slerp``: spherical interpolation of each tensor (linear where the
two are nearly parallel). ``task-arithmetic``: θ_base + α·(θ_finetuned − θ_base), with α free to leave [0, 1].
``dare``: the task vector with each entry dropped with probability ``1 − density`` and the rest rescaled by
``1 / density`` (seeded), then added as in task arithmetic. Floating-point tensors are combined in float32 and
stored in their own dtype; integer tensors (counters, indices) are taken from the parent α is nearer to. α = 0 and
α = 1 give the parents bit for bit.

Per-module α comes from name patterns each architecture declares (:data:`MODULE_GROUPS`), never from guessing.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from arena.policies.learned.config import (
    CONFIG_FILE,
    MERGE_METHODS,
    WEIGHTS_FILE,
    CheckpointError,
    resolve_checkpoint,
)

METHODS = MERGE_METHODS
#: Module groups of each Arena architecture: group -> tensor-name prefixes (every tensor belongs to exactly one).
MODULE_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "vla": {
        "vision": ("image_norm.", "image_proj.", "image_pos"),
        "language": ("text_proj.",),
        "action": ("state_proj.", "queries", "encoder.", "head."),
    },
    "bc": {"vision": ("trunk.",), "action": ("mlp.",)},
}
#: Config fields two Arena checkpoints must share to be mergeable.
MERGEABLE_FIELDS = ("policy", "architecture", "cameras", "image_size", "obs_mode", "control_mode", "state_layout",
                    "action_spec", "chunk_length", "normalization")  # fmt: skip


def module_group(kind: str, name: str) -> str:
    """The declared module group of tensor ``name`` in architecture ``kind``."""
    for group, prefixes in MODULE_GROUPS[kind].items():
        if name.startswith(prefixes):
            return group
    raise CheckpointError(
        f"tensor {name!r} of a {kind} checkpoint is in no declared module group {MODULE_GROUPS[kind]}"
    )


def slerp(a: torch.Tensor, b: torch.Tensor, alpha: float, eps: float = 1e-6) -> torch.Tensor:
    """Spherical interpolation between two tensors viewed as vectors; linear when they are nearly parallel."""
    flat_a, flat_b = a.reshape(-1).double(), b.reshape(-1).double()
    cos = torch.dot(flat_a, flat_b) / (flat_a.norm() * flat_b.norm()).clamp_min(1e-12)
    cos = float(cos.clamp(-1.0, 1.0))
    if abs(cos) > 1 - eps:
        return ((1 - alpha) * a.double() + alpha * b.double()).to(a.dtype)
    omega = math.acos(cos)
    mixed = (math.sin((1 - alpha) * omega) * flat_a + math.sin(alpha * omega) * flat_b) / math.sin(omega)
    return mixed.reshape(a.shape).to(a.dtype)


def dare(base: torch.Tensor, tuned: torch.Tensor, alpha: float, density: float, generator: torch.Generator
         ) -> torch.Tensor:  # fmt: skip
    """Drop-and-rescale merging: keep each task-vector entry with probability ``density``, scale kept ones by
    ``1 / density``, add ``alpha`` times the result to the base."""
    task = tuned.float() - base.float()
    keep = torch.rand(task.shape, generator=generator) < density
    return (base.float() + alpha * torch.where(keep, task / density, torch.zeros_like(task))).to(base.dtype)


def merge_tensor(base: torch.Tensor, tuned: torch.Tensor, alpha: float, method: str,
                 density: float = 0.5, generator: torch.Generator | None = None) -> torch.Tensor:  # fmt: skip
    """One merged tensor (see the module docstring)."""
    if not base.is_floating_point():
        return (tuned if alpha >= 0.5 else base).clone()
    if alpha == 0.0:
        return base.clone()
    if alpha == 1.0 and method in ("linear", "slerp", "task-arithmetic"):
        return tuned.clone()
    if method == "slerp":
        return slerp(base, tuned, alpha)
    if method == "dare":
        return dare(base, tuned, alpha, density, generator or torch.Generator().manual_seed(0))
    return ((1 - alpha) * base.float() + alpha * tuned.float()).to(base.dtype)  # linear and task arithmetic


def _read_config(folder: Path) -> dict[str, Any]:
    path = folder / CONFIG_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_mergeable(base: Mapping[str, torch.Tensor], tuned: Mapping[str, torch.Tensor],
                    base_config: Mapping[str, Any], tuned_config: Mapping[str, Any]) -> None:  # fmt: skip
    """Refuse, naming the first offending tensor or config field, two checkpoints that cannot be merged."""
    for name in sorted(set(base) | set(tuned)):
        if name not in base or name not in tuned:
            side = "the base" if name not in base else "the finetuned checkpoint"
            raise CheckpointError(f"tensor {name!r} is missing from {side}; merged checkpoints need the same tensors")
        if base[name].shape != tuned[name].shape:
            raise CheckpointError(
                f"tensor {name!r} has shape {tuple(base[name].shape)} in the base and {tuple(tuned[name].shape)} "
                "in the finetuned checkpoint"
            )
        if base[name].dtype != tuned[name].dtype:
            raise CheckpointError(f"tensor {name!r} is {base[name].dtype} in the base, {tuned[name].dtype} finetuned")
    arena = base_config.get("format") == "arena-checkpoint" or tuned_config.get("format") == "arena-checkpoint"
    fields = MERGEABLE_FIELDS if arena else sorted(set(base_config) | set(tuned_config))
    for field in fields:
        if base_config.get(field) != tuned_config.get(field):
            hint = (
                "; finetune from the base with its statistics: arena train --init BASE (it reuses BASE's normalisation)"
                if field == "normalization"
                else ""
            )
            raise CheckpointError(f"config field {field!r} differs between the base and the finetuned checkpoint{hint}")


def merge_checkpoints(base: str | Path, finetuned: str | Path, out: str | Path, alpha: float = 0.5,
                      method: str = "linear", alpha_by_module: Mapping[str, float] | None = None, seed: int = 0,
                      density: float = 0.5) -> Path:  # fmt: skip
    """Merge two checkpoint folders into ``out`` (a checkpoint ``arena eval --policy checkpoint:OUT`` loads)."""
    if method not in METHODS:
        raise CheckpointError(f"unknown merge method {method!r}; valid: {', '.join(METHODS)}")
    alphas = {"": alpha, **(alpha_by_module or {})}
    for name, value in alphas.items():
        if method != "task-arithmetic" and not 0.0 <= value <= 1.0:
            raise CheckpointError(f"alpha {value} for {name or 'the model'} is outside [0, 1] (only task-arithmetic "
                                  "extrapolates)")  # fmt: skip
    if not 0.0 < density <= 1.0:
        raise CheckpointError(f"--density {density} must be in (0, 1]")
    folders = [resolve_checkpoint(base), resolve_checkpoint(finetuned)]
    for folder in folders:
        if not (folder / WEIGHTS_FILE).is_file():
            raise CheckpointError(f"checkpoint {folder} lacks {WEIGHTS_FILE}")
    base_tensors, tuned_tensors = (load_file(str(f / WEIGHTS_FILE)) for f in folders)
    base_config, tuned_config = (_read_config(f) for f in folders)
    check_mergeable(base_tensors, tuned_tensors, base_config, tuned_config)
    kind = base_config.get("policy")
    if alpha_by_module:
        if kind not in MODULE_GROUPS:
            raise CheckpointError(f"per-module alpha needs an Arena vla or bc checkpoint; {folders[0]} is {kind!r}")
        unknown = sorted(set(alpha_by_module) - set(MODULE_GROUPS[kind]))
        if unknown:
            raise CheckpointError(
                f"unknown module group(s) {unknown} for {kind}; valid: {', '.join(MODULE_GROUPS[kind])}"
            )
    generator = torch.Generator().manual_seed(seed)
    merged = {}
    for name in sorted(base_tensors):
        value = alpha_by_module.get(module_group(kind, name), alpha) if alpha_by_module else alpha
        merged[name] = merge_tensor(base_tensors[name], tuned_tensors[name], value, method, density, generator)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    partial = out / (WEIGHTS_FILE + ".partial")
    save_file({k: v.contiguous() for k, v in merged.items()}, str(partial), metadata={"format": "pt"})
    partial.replace(out / WEIGHTS_FILE)
    config = dict(tuned_config) if tuned_config else {}
    if base_config.get("tasks") is not None or tuned_config.get("tasks") is not None:
        config["tasks"] = sorted(set(base_config.get("tasks") or []) | set(tuned_config.get("tasks") or []))
    config["merge"] = {
        "method": method, "alpha": alpha, "alpha_by_module": dict(alpha_by_module or {}), "seed": seed,
        "density": density if method == "dare" else None,
        "parents": {role: {"path": str(f), "weights_sha256": _digest(f / WEIGHTS_FILE)}
                    for role, f in zip(("base", "finetuned"), folders, strict=True)},
    }  # fmt: skip
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
    return out
