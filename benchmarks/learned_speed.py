"""How fast do the learned policies train and act? Training steps/s of the ``vla`` and ``bc`` networks (the shipped
architectures, synthetic inputs of the real shapes) on every device given, as a ratio against the CPU run made in
the same process; and, where the encoders' wheels are installed, one ``vla`` policy query end to end (two 128 px
frames through EfficientNet-Lite0 plus the network) in ms, per query and per executed step.

    python benchmarks/learned_speed.py                        # CPU, torch's default threads
    python benchmarks/learned_speed.py --devices cpu,cuda --batch 64,256
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from arena.policies.learned.networks import DEFAULT_ARCHITECTURES, STATE_FEATURE_DIM, build_network


def _inputs(kind: str, batch: int, device: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    if kind == "vla":
        images = torch.rand(batch, 2, 1280, 4, 4, device=device).half() * 6
    else:
        images = torch.randint(0, 255, (batch, 2, 128, 128, 3), dtype=torch.uint8, device=device)
    text = torch.randn(batch, 384, device=device)
    state = torch.randn(batch, STATE_FEATURE_DIM, device=device)
    return images, text, state, torch.randn(batch, 10, 7, device=device)


def training_rate(kind: str, batch: int, device: str, seconds: float) -> float:
    """Optimiser steps per second (forward, L1 loss, backward, AdamW) after a warm-up."""
    architecture = {"cameras": 2, "chunk": 10, **({"grid": 4} if kind == "vla" else {}), **DEFAULT_ARCHITECTURES[kind]}
    network = build_network(kind, architecture).to(device)
    optimizer = torch.optim.AdamW(network.parameters(), lr=1e-4)
    images, text, state, target = _inputs(kind, batch, device)

    def step() -> None:
        loss = (network(images, text, state) - target).abs().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        count += 1
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return count / (time.perf_counter() - start)


def policy_query_ms(repeats: int = 30) -> float | None:
    """Milliseconds of one vla query on one thread: encode two 128 px frames, run the network; None without wheels."""
    try:
        from arena.policies.learned.encoders import image_encoder, set_single_thread
    except ImportError:
        return None
    set_single_thread()
    encoder = image_encoder()
    architecture = {"cameras": 2, "grid": 4, "chunk": 10, **DEFAULT_ARCHITECTURES["vla"]}
    network = build_network("vla", architecture).eval()
    frames = np.random.default_rng(0).integers(0, 255, (2, 128, 128, 3), dtype=np.uint8)
    text, state = torch.randn(1, 384), torch.randn(1, STATE_FEATURE_DIM)
    times = []
    with torch.no_grad():
        for _ in range(repeats):
            start = time.perf_counter()
            network(encoder(frames)[None], text, state)
            times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", default="cpu", help="comma-separated: cpu, cuda")
    parser.add_argument("--batch", default="64", help="comma-separated batch sizes")
    parser.add_argument("--seconds", type=float, default=8.0, help="timed seconds per measurement")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    for kind in ("vla", "bc"):
        for batch in (int(b) for b in args.batch.split(",")):
            baseline = None
            for device in args.devices.split(","):
                rate = training_rate(kind, batch, device, args.seconds)
                baseline = baseline or rate
                name = torch.cuda.get_device_name() if device.startswith("cuda") else "cpu"
                print(f"{kind:3s} batch {batch:4d} {name:28s} {rate:8.1f} steps/s  x{rate / baseline:6.1f} vs cpu")
    query = policy_query_ms()
    if query is not None:
        print(f"vla query (2 frames encoded + network, 1 thread): {query:.1f} ms; {query / 10:.1f} ms per executed "
              "step with 10-step chunks")  # fmt: skip


if __name__ == "__main__":
    main()
