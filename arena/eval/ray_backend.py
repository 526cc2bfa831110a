"""Ray backend: the same episodes as Ray actors (one warm :class:`EpisodeRunner` per CPU); the driver writes.

Ray is an optional extra (``pip install .[ray]``). Without ``--ray-address`` a local Ray instance is started,
bound to 127.0.0.1 with the dashboard and usage statistics off. A dead actor is replaced and its episode retried
once; an episode running longer than ``episode_timeout`` seconds is recorded as a timeout.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from arena.errors import ArenaError
from arena.eval.protocol import EpisodeKey
from arena.eval.runner import EpisodeRunner, RunSettings, error_record
from arena.eval.scheduling import RetryQueue


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ArenaError("the Ray backend needs Ray: pip install 'arena-bench[ray]' (or pip install ray)") from None
    return ray


def init_ray(address: str | None = None, num_cpus: int | None = None) -> Any:
    """Connect to a cluster (``auto`` or ``host:port``) or start a private local instance on 127.0.0.1."""
    ray = _import_ray()
    if ray.is_initialized():
        return ray
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        ray.init(
            num_cpus=num_cpus or os.cpu_count(),
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
            log_to_driver=False,
            configure_logging=False,
        )
    return ray


class _RunnerActor:
    """Ray actor body: a warm episode runner."""

    def __init__(self, settings: RunSettings) -> None:
        os.environ.setdefault("MUJOCO_GL", "egl")
        self.runner = EpisodeRunner(settings)

    def run(self, key: EpisodeKey) -> dict[str, Any]:
        return self.runner.run(key)


def run_ray(
    keys: Iterable[EpisodeKey],
    settings: RunSettings,
    on_record: Callable[[dict[str, Any]], None],
    address: str | None = None,
    num_cpus: int | None = None,
    episode_timeout: float = 600.0,
) -> None:
    """Play every key on Ray; ``on_record`` receives each finished record on the driver."""
    ray = init_ray(address, num_cpus)
    actor_cls = ray.remote(num_cpus=1)(_RunnerActor)
    count = max(1, int(ray.available_resources().get("CPU", 1)))
    actors = [actor_cls.remote(settings) for _ in range(count)]
    pending = RetryQueue(keys)
    running: dict[Any, tuple[int, EpisodeKey, int, float]] = {}  # ref -> (actor index, key, attempt, start)
    try:
        while pending or running:
            busy = {index for index, *_ in running.values()}
            for index in range(len(actors)):
                if index not in busy and pending:
                    key, attempt = pending.pop()
                    running[actors[index].run.remote(key)] = (index, key, attempt, time.time())
            done, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
            for ref in done:
                index, key, attempt, start = running.pop(ref)
                try:
                    on_record(ray.get(ref))
                except ray.exceptions.RayActorError as error:
                    actors[index] = actor_cls.remote(settings)
                    failed = pending.worker_lost(key, attempt, "Ray actor died", str(error), time.time() - start)
                    if failed is not None:
                        on_record(failed)
            now = time.time()
            for ref, (index, key, _, start) in list(running.items()):
                if now - start > episode_timeout:
                    running.pop(ref)
                    ray.kill(actors[index])
                    actors[index] = actor_cls.remote(settings)
                    on_record(error_record(key, f"timeout: episode exceeded {episode_timeout:g} s", now - start))
    finally:
        for actor in actors:
            ray.kill(actor)
