"""What one ``arena serve`` forward pass costs: the shipped ``arena-vla-small`` answering B observations at once.

Times ``CheckpointPolicy.act_batch`` (two 128 px frames per observation through EfficientNet-Lite0, then the
transformer) for each batch size on each device, and prints ms per batch, observations/s and the ratio against the
first device in the same process; with a GPU among the devices it also prints the largest difference between the GPU's
and the CPU's actions for the same observations. ``--stub-text`` replaces the MiniLM instruction encoder (run once
per episode, not per step) with a fixed embedding, for machines without its wheel; per-step timings do not change.

    python benchmarks/batched_inference.py                                  # this CPU
    python benchmarks/batched_inference.py --devices cpu,cuda --stub-text   # a GPU box without the MiniLM wheel
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def stub_text_encoder() -> None:
    """A fixed 384-d instruction embedding instead of MiniLM (timing only)."""
    from arena.policies.learned import encoders

    class FixedText:
        def encode(self, texts: list[str]) -> np.ndarray:
            rng = np.random.default_rng(len(texts[0]))
            vector = rng.standard_normal((len(texts), 384)).astype(np.float32)
            return vector / np.linalg.norm(vector, axis=1, keepdims=True)

    encoders.instruction_encoder = lambda: FixedText()


def observations(batch: int, seed: int = 0) -> list[dict]:
    """``batch`` random observations shaped like Arena's (front and wrist at 128 px, 15-d state)."""
    rng = np.random.default_rng(seed)
    return [
        {"images/front": rng.integers(0, 256, (128, 128, 3), dtype=np.uint8),
         "images/wrist": rng.integers(0, 256, (128, 128, 3), dtype=np.uint8),
         "state": np.concatenate([rng.normal(0, 0.2, 3), [1.0, 0, 0, 0], [0.04], rng.normal(0, 0.5, 7)]),
         "instruction": "close the box"}
        for _ in range(batch)
    ]  # fmt: skip


def time_batches(device: str, batches: list[int], repeats: int) -> tuple[dict[int, float], np.ndarray]:
    """Median ms per ``act_batch`` call per batch size, and the actions for the largest batch."""
    import torch

    from arena.policies.learned.policy import CheckpointPolicy

    policy = CheckpointPolicy("arena-vla-small", device=device)
    policy.reset("close the box")
    timings, actions = {}, np.zeros(0)
    for batch in batches:
        sessions = [policy] * batch
        obs = observations(batch)
        policy.act_batch(sessions, obs)  # warm-up (cuDNN autotuning, allocator)
        samples = []
        for _ in range(repeats):
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            start = time.perf_counter()
            actions = np.stack(policy.act_batch(sessions, obs))
            samples.append((time.perf_counter() - start) * 1000)
        timings[batch] = float(np.median(samples))
    return timings, actions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", default="cpu", help="comma-separated, e.g. cpu,cuda")
    parser.add_argument("--batch", default="1,4,16,32,64", help="comma-separated batch sizes")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--stub-text", action="store_true", help="fixed instruction embedding instead of MiniLM")
    args = parser.parse_args()
    if args.stub_text:
        stub_text_encoder()
    batches = [int(b) for b in args.batch.split(",")]
    results = {d: time_batches(d, batches, args.repeats) for d in args.devices.split(",")}
    first = args.devices.split(",")[0]
    print("| device | batch | ms per batch | observations/s | ratio vs " + first + " |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for device, (timings, _) in results.items():
        for batch, ms in timings.items():
            ratio = results[first][0][batch] / ms
            print(f"| {device} | {batch} | {ms:.2f} | {batch / ms * 1000:.0f} | {ratio:.1f}x |")
    if "cpu" in results and len(results) > 1:
        for device, (_, actions) in results.items():
            if device != "cpu":
                print(f"max |{device} - cpu| action difference: {np.abs(actions - results['cpu'][1]).max():.2e}")


if __name__ == "__main__":
    main()
