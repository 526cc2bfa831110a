"""Writing and loading checkpoint weights: safetensors only (never pickle), shapes checked against the config."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from arena.policies.learned.config import CONFIG_FILE, WEIGHTS_FILE, CheckpointError, read_config
from arena.policies.learned.networks import build_network


def weights_digest(folder: str | Path) -> str:
    """SHA-256 of a checkpoint's weights file (recorded in result metadata)."""
    return hashlib.sha256((Path(folder) / WEIGHTS_FILE).read_bytes()).hexdigest()


def save_checkpoint(folder: str | Path, network: nn.Module, config: dict[str, Any]) -> Path:
    """Write ``model.safetensors`` and ``config.json`` into ``folder`` (each replaced atomically)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {name: t.detach().cpu().contiguous() for name, t in network.state_dict().items()}
    partial = folder / (WEIGHTS_FILE + ".partial")
    save_file(tensors, str(partial), metadata={"format": "pt"})
    partial.replace(folder / WEIGHTS_FILE)
    content = {k: v for k, v in config.items() if k != "folder"}
    partial = folder / (CONFIG_FILE + ".partial")
    partial.write_text(json.dumps(content, indent=2) + "\n")
    partial.replace(folder / CONFIG_FILE)
    return folder


def load_network(folder: str | Path) -> tuple[nn.Module, dict[str, Any]]:
    """The network of a checkpoint in eval mode, and its config; mismatched tensors are refused by name."""
    config = read_config(folder)
    path = Path(config["folder"]) / WEIGHTS_FILE
    try:
        network = build_network(config["policy"], config["architecture"])
    except TypeError as error:
        raise CheckpointError(f"{Path(config['folder']) / CONFIG_FILE}: architecture does not build: {error}") from None
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError) as error:
        raise CheckpointError(f"{path} is not a readable safetensors file: {error}") from None
    expected = network.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    wrong = sorted(
        f"{name} {tuple(tensors[name].shape)} (the config's architecture needs {tuple(expected[name].shape)})"
        for name in set(expected) & set(tensors)
        if tensors[name].shape != expected[name].shape
    )
    if missing or unexpected or wrong:
        parts = [f"missing {missing[:5]}" if missing else "", f"unexpected {unexpected[:5]}" if unexpected else ""]
        parts.append(f"wrong shape: {'; '.join(wrong[:3])}" if wrong else "")
        raise CheckpointError(f"{path} does not match its config.json: {', '.join(p for p in parts if p)}")
    network.load_state_dict({k: t.to(expected[k].dtype) for k, t in tensors.items()})
    network.eval()
    return network, config


def count_parameters(network: nn.Module) -> int:
    """Trainable parameters of a network."""
    return sum(p.numel() for p in network.parameters() if p.requires_grad)


def to_device(network: nn.Module, device: str) -> nn.Module:
    """Move a network to ``cpu`` or ``cuda``; a missing GPU is a clear error."""
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise CheckpointError(f"--device {device}: torch sees no CUDA GPU here; use --device cpu")
    return network.to(device)
