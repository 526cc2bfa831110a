"""Contact sheets: one row per perturbation axis, a few seeds per row, so a person sees what each axis does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import gymnasium as gym
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from arena.registration import env_id
from arena.spec.axes import axis_applies
from arena.spec.axis_names import AXIS_NAMES
from arena.spec.task import load_task

LABEL_WIDTH = 150


def _label(text: str, height: int, width: int = LABEL_WIDTH, shade: int = 255) -> np.ndarray:
    image = Image.new("RGB", (width, height), (shade, shade, shade))
    ImageDraw.Draw(image).text((8, height // 2 - 6), text, fill=(20, 20, 20), font=ImageFont.load_default())
    return np.asarray(image)


def contact_sheet(
    task: str,
    seeds: Sequence[int] = (0, 1, 2, 3),
    cameras: Sequence[str] = ("front", "left_shoulder"),
    size: int = 128,
    axes: Sequence[str] = AXIS_NAMES,
    progress: bool = True,
) -> np.ndarray:
    """Grid image (uint8 RGB): a row per axis, per seed the first frame of each camera side by side."""
    spec = load_task(task)
    tile_width = size * len(cameras)
    rows = [np.concatenate([_label(task, 24)] + [_label(f"seed {s}", 24, tile_width, 235) for s in seeds], axis=1)]
    for axis in tqdm(axes, desc=f"contact sheet {task}", disable=not progress):
        if not axis_applies(axis, spec):
            tiles = [_label("n/a (no such role)", size, tile_width, 200) for _ in seeds]
        else:
            env = gym.make(env_id(task, axis), cameras=tuple(cameras), image_size=size)
            tiles = []
            for seed in seeds:
                obs, _ = env.reset(seed=seed)
                tiles.append(np.concatenate([obs[f"images/{camera}"] for camera in cameras], axis=1))
            env.close()
        rows.append(np.concatenate([_label(axis, size)] + tiles, axis=1))
    return np.concatenate(rows, axis=0)


def write_contact_sheet(task: str, output: str | Path, **kwargs) -> Path:
    """Render :func:`contact_sheet` and save it as a PNG."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(contact_sheet(task, **kwargs)).save(output)
    return output
