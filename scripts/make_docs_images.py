"""Regenerate the README's pictures: docs/tasks.png (every task seen from every camera) and, for the task table,
docs/tasks/<Task>.png (each task's first frame from the front camera, 128 x 128, seed 0)."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import imageio.v2 as imageio
import numpy as np

import arena  # noqa: F401 - registers ids
from arena.spec.cameras import CAMERAS
from arena.spec.task import task_names

DOCS = Path(__file__).resolve().parents[1] / "docs"
TABLE_IMAGE_SIZE = 128


def main() -> None:
    rows = []
    (DOCS / "tasks").mkdir(exist_ok=True)
    for task in task_names():
        env = gym.make(f"Arena-{task}", cameras=CAMERAS, image_size=160)
        obs, _ = env.reset(seed=0)
        rows.append(np.concatenate([obs[f"images/{camera}"] for camera in CAMERAS], axis=1))
        env.close()
        env = gym.make(f"Arena-{task}", cameras=("front",), image_size=TABLE_IMAGE_SIZE)
        obs, _ = env.reset(seed=0)
        imageio.imwrite(DOCS / "tasks" / f"{task}.png", obs["images/front"])
        env.close()
    out = DOCS / "tasks.png"
    imageio.imwrite(out, np.concatenate(rows, axis=0))
    print(out)


if __name__ == "__main__":
    main()
