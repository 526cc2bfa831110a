"""Dynamic batching: requests from many connections gathered into one forward pass.

The first waiting request opens a batch; it closes when ``max_batch`` requests are in or ``max_wait_ms`` has passed,
and the policy answers it on the one inference thread (so the model is never used by two threads at once). A
policy with ``act_batch(sessions, observations)`` (the learned :class:`CheckpointPolicy`) answers a batch in one
call; others answer request by request. If a batched call fails, each request is retried alone, so only the
request that breaks the model gets an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class BatchStats:
    """Counters over the server's life: requests, batches and inference time."""

    requests: int = 0
    batches: int = 0
    infer_ms: float = 0.0
    failures: int = 0
    sizes: dict[int, int] = field(default_factory=dict)

    @property
    def mean_batch(self) -> float:
        return self.requests / self.batches if self.batches else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests, "batches": self.batches, "mean_batch": round(self.mean_batch, 3),
            "infer_ms_per_request": round(self.infer_ms / self.requests, 3) if self.requests else 0.0,
            "failures": self.failures, "batch_sizes": dict(sorted(self.sizes.items())),
        }  # fmt: skip


@dataclass
class _Request:
    session: Any
    observation: dict[str, Any]
    future: asyncio.Future
    arrived: float


class InferenceFailed(Exception):  # noqa: N818 - carries the policy's error text to one client
    """The policy raised on one request; ``args[0]`` is the error text with its traceback."""


class Batcher:
    """Gathers ``act`` requests of policy sessions and answers them in batches on one inference thread."""

    def __init__(self, model: Any, max_batch: int, max_wait_ms: float, executor: ThreadPoolExecutor) -> None:
        self.model = model
        self.max_batch = max(1, int(max_batch))
        self.max_wait = max(0.0, max_wait_ms) / 1000.0
        self.batched: Callable[..., Any] | None = getattr(model, "act_batch", None)
        self.executor = executor
        self.stats = BatchStats()
        self._queue: asyncio.Queue[_Request] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def act(self, session: Any, observation: dict[str, Any]) -> tuple[np.ndarray, dict[str, float]]:
        """The session's actions for ``observation`` and the timing of the batch that computed them."""
        future = asyncio.get_running_loop().create_future()
        await self._queue.put(_Request(session, observation, future, time.monotonic()))
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            deadline = time.monotonic() + self.max_wait
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                    continue
                except asyncio.QueueEmpty:
                    pass
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), remaining))
                except TimeoutError:
                    break
            started = time.monotonic()
            results = await loop.run_in_executor(self.executor, self._infer, batch)
            infer_ms = (time.monotonic() - started) * 1000
            self.stats.requests += len(batch)
            self.stats.batches += 1
            self.stats.infer_ms += infer_ms
            self.stats.sizes[len(batch)] = self.stats.sizes.get(len(batch), 0) + 1
            for request, (ok, value) in zip(batch, results, strict=True):
                if request.future.done():
                    continue  # its connection went away meanwhile
                if ok:
                    timing = {"infer_ms": infer_ms, "queue_ms": (started - request.arrived) * 1000,
                              "batch_size": len(batch)}  # fmt: skip
                    request.future.set_result((value, timing))
                else:
                    self.stats.failures += 1
                    request.future.set_exception(InferenceFailed(value))

    def _infer(self, batch: list[_Request]) -> list[tuple[bool, Any]]:
        """Runs on the inference thread: one batched call, or one call per request."""
        if self.batched is not None and len(batch) > 1:
            try:
                actions = self.batched([r.session for r in batch], [r.observation for r in batch])
                return [(True, np.asarray(a)) for a in actions]
            except Exception:  # find the request(s) that break the model by answering each alone
                pass
        return [self._infer_one(request) for request in batch]

    @staticmethod
    def _infer_one(request: _Request) -> tuple[bool, Any]:
        try:
            return True, np.asarray(request.session.act(request.observation))
        except Exception as error:  # a policy may fail in any way; the error goes to this request's client only
            return False, f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}"
