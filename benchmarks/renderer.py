"""Camera rendering speed: Arena's renderer (MuJoCo's public rendering API) against ``mujoco.Renderer``.

Arena renders with its own :class:`arena.sim.rendering.CameraRenderer`, built from ``GLContext``, ``MjrContext``,
``mjv_updateScene``, ``mjr_render`` and ``mjr_readPixels`` so it never touches ``mujoco.Renderer``'s private
attributes. This script renders the same frames with both, in one process on one scene, and prints frames/s per
image kind and Arena's rate as a ratio of ``mujoco.Renderer``'s (the baseline), plus whether the RGB frames are
identical. It is a report: the exit code is always 0.

Run with ``MUJOCO_GL=egl python benchmarks/renderer.py [--task StackBlocks] [--frames 200] [--size 128]``.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
import mujoco  # noqa: E402
import numpy as np  # noqa: E402

import arena  # noqa: E402, F401  (registers the Arena-* ids)
from arena.sim.rendering import CameraRenderer  # noqa: E402
from arena.spec.task import task_names  # noqa: E402


def _rate(render, frames: int) -> float:
    render()  # warm-up: first upload, first compile of shaders
    start = time.perf_counter()
    for _ in range(frames):
        render()
    return frames / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=task_names(), default="StackBlocks")
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--size", type=int, default=128)
    args = parser.parse_args()

    env = gym.make(f"Arena-{args.task}", obs_mode="state")
    env.reset(seed=0)
    model, data = env.unwrapped.model, env.unwrapped.data
    camera = model.camera("front").id
    ours = CameraRenderer(model, args.size, args.size)
    theirs = mujoco.Renderer(model, args.size, args.size)

    def theirs_rgb() -> np.ndarray:
        theirs.update_scene(data, camera=camera)
        theirs.scene.flags[mujoco.mjtRndFlag.mjRND_SHADOW] = 0
        theirs.scene.flags[mujoco.mjtRndFlag.mjRND_REFLECTION] = 0
        return theirs.render()

    def theirs_depth() -> np.ndarray:
        theirs.enable_depth_rendering()
        try:
            return theirs_rgb()
        finally:
            theirs.disable_depth_rendering()

    def theirs_segmentation() -> np.ndarray:
        theirs.enable_segmentation_rendering()
        try:
            return theirs_rgb()
        finally:
            theirs.disable_segmentation_rendering()

    same = np.array_equal(ours.rgb(data, camera), theirs_rgb())
    print(f"{args.task}, {args.size}x{args.size}, camera front, {args.frames} frames each (shadows off)")
    print(f"{'image':14s} {'mujoco.Renderer':>16s} {'arena':>10s} {'ratio':>7s}")
    for kind, mine, baseline in (
        ("rgb", lambda: ours.rgb(data, camera), theirs_rgb),
        ("depth", lambda: ours.depth(data, camera), theirs_depth),
        ("segmentation", lambda: ours.segmentation(data, camera), theirs_segmentation),
    ):
        base_rate, our_rate = _rate(baseline, args.frames), _rate(mine, args.frames)
        print(f"{kind:14s} {base_rate:13.0f} f/s {our_rate:7.0f} f/s {our_rate / base_rate:6.2f}x")
    print(f"RGB frames identical to mujoco.Renderer's: {same}")
    ours.close()
    theirs.close()
    env.close()


if __name__ == "__main__":
    main()
