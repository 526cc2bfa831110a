"""Protocol throughput through ``arena serve``: the shipped vision policy served once, evaluated by N workers.

Starts ``arena serve --policy checkpoint:arena-vla-small`` (batched, in this process), runs ``arena eval --policy
remote:ws://127.0.0.1:PORT`` with ``--workers N`` on the policy's tasks, and prints episodes/min, env steps/s, the
server's mean batch size and ms per request and per executed env step, and the projected time of the full protocol
(8,000 episodes). ``--profile-render`` also times one camera frame on this machine's renderer, split into scene
update, GL render and pixel read-back.

    python benchmarks/protocol_throughput.py --workers 2 --episodes 2
    python benchmarks/protocol_throughput.py --workers 14 --episodes 25 --max-batch 32 --device cuda   # a GPU box
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MUJOCO_GL", "egl")

PROTOCOL_EPISODES = 8000
TASKS = ("CloseBox", "CloseLaptopLid", "OpenDrawer", "TurnOvenOn")  # what arena-vla-small was trained on


def run(workers: int, episodes: int, axes: list[str], max_batch: int, max_wait_ms: float, out: Path,
        device: str = "cpu") -> dict:  # fmt: skip
    from arena.eval.evaluation import evaluate
    from arena.policies.remote.server import ServeSettings, serve_in_thread

    settings = ServeSettings(
        "checkpoint:arena-vla-small", port=0, max_batch=max_batch, max_wait_ms=max_wait_ms, device=device
    )
    with serve_in_thread(settings) as server:
        start = time.perf_counter()
        path = evaluate(
            f"remote:ws://127.0.0.1:{server.port}", list(TASKS), axes, episodes, out, workers=workers, progress=False
        )
        wall = time.perf_counter() - start
        stats = server.stats
    records = [json.loads(line) for line in Path(path).read_text().splitlines()]
    steps = sum(r["steps"] for r in records)
    return {
        "workers": workers, "episodes": len(records), "errors": sum(r["error"] is not None for r in records),
        "success": round(sum(r["success"] for r in records) / len(records), 3), "wall_s": round(wall, 1),
        "episodes_per_min": round(len(records) / wall * 60, 1), "env_steps_per_s": round(steps / wall, 1),
        "steps_per_episode": round(steps / len(records), 1),
        "mean_batch": stats["mean_batch"], "server_ms_per_request": stats["infer_ms_per_request"],
        "server_ms_per_step": round(stats["infer_ms_per_request"] * stats["requests"] / max(steps, 1), 3),
        "projected_protocol_h": round(PROTOCOL_EPISODES / (len(records) / wall * 60) / 60, 2),
        "batch_sizes": stats["batch_sizes"],
    }  # fmt: skip


def profile_render(frames: int = 60, size: int = 128) -> dict:
    """Milliseconds per camera frame: ``mjv_updateScene``, ``mjr_render``, ``mjr_readPixels`` (front and wrist)."""
    import mujoco
    import numpy as np

    import arena

    env = arena.make("Arena-CloseBox", cameras=("front", "wrist"), image_size=size)
    env.reset(seed=0)
    unwrapped = env.unwrapped
    renderer, data = unwrapped.sim.renderer, unwrapped.sim.data
    context = renderer._context()  # noqa: SLF001 - profiling the renderer's own steps
    result = {}
    for camera in ("front", "wrist"):
        cam = renderer.camera_id(camera)
        image = np.empty((size, size, 3), np.uint8)
        parts = {"update_scene": 0.0, "render": 0.0, "read_pixels": 0.0}
        for _ in range(frames):
            t0 = time.perf_counter()
            renderer._camera.fixedcamid = cam  # noqa: SLF001
            mujoco.mjv_updateScene(
                renderer.model, data, renderer._option, None, renderer._camera, mujoco.mjtCatBit.mjCAT_ALL.value,
                renderer._scene,
            )  # fmt: skip
            t1 = time.perf_counter()
            mujoco.mjr_render(renderer._rect, renderer._scene, context)  # noqa: SLF001
            t2 = time.perf_counter()
            mujoco.mjr_readPixels(image, None, renderer._rect, context)  # noqa: SLF001
            t3 = time.perf_counter()
            parts["update_scene"] += t1 - t0
            parts["render"] += t2 - t1
            parts["read_pixels"] += t3 - t2
        whole = time.perf_counter()
        for _ in range(frames):
            unwrapped.render_camera(camera)
        parts["render_camera_total"] = time.perf_counter() - whole
        result[camera] = {k: round(v / frames * 1000, 2) for k, v in parts.items()}
        result[camera]["scene_geoms"] = int(renderer._scene.ngeom)  # noqa: SLF001
    env.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--episodes", type=int, default=2, help="episodes per task x axis cell")
    parser.add_argument("--axes", default="None")
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument("--max-wait-ms", type=float, default=5.0)
    parser.add_argument("--device", default="cpu", help="where the served model runs: cpu or cuda")
    parser.add_argument(
        "--stub-text", action="store_true",
        help="a fixed instruction embedding instead of MiniLM (machines without its wheel; the policy then acts on "
        "the wrong instruction, so episodes run longer: throughput only)",
    )  # fmt: skip
    parser.add_argument("--profile-render", action="store_true")
    args = parser.parse_args()
    if args.stub_text:
        from batched_inference import stub_text_encoder

        stub_text_encoder()
    with tempfile.TemporaryDirectory() as folder:
        axes = args.axes.split(",")
        result = run(args.workers, args.episodes, axes, args.max_batch, args.max_wait_ms, Path(folder), args.device)
    print(json.dumps(result, indent=1))
    print(
        f"{result['episodes_per_min']} episodes/min, {result['env_steps_per_s']} env steps/s, mean batch "
        f"{result['mean_batch']}, server {result['server_ms_per_step']} ms/step: the {PROTOCOL_EPISODES}-episode "
        f"protocol would take {result['projected_protocol_h']} h with {args.workers} workers"
    )
    if args.profile_render:
        print(json.dumps({"render_ms_per_frame": profile_render()}, indent=1))


if __name__ == "__main__":
    main()
