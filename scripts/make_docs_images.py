"""Regenerate the README's pictures: docs/tasks.png (every task seen from every camera)."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import imageio.v2 as imageio
import numpy as np

import arena  # noqa: F401 - registers ids
from arena.spec.cameras import CAMERAS
from arena.spec.task import task_names


def main() -> None:
    rows = []
    for task in task_names():
        env = gym.make(f"Arena-{task}", cameras=CAMERAS, image_size=160)
        obs, _ = env.reset(seed=0)
        rows.append(np.concatenate([obs[f"images/{camera}"] for camera in CAMERAS], axis=1))
        env.close()
    out = Path(__file__).resolve().parents[1] / "docs" / "tasks.png"
    imageio.imwrite(out, np.concatenate(rows, axis=0))
    print(out)


if __name__ == "__main__":
    main()
