"""Local backend: episodes run in worker processes (``spawn``), results come back to the single writer.

The parent watches each worker: a policy step that takes longer than ``step_timeout`` seconds gets the worker
killed and the episode recorded as a timeout; a worker that dies is replaced and its episode retried once,
then recorded as an error. Workers start with the ``spawn`` method: a GL context made before ``fork`` hangs
the child.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from arena.eval.protocol import EpisodeKey
from arena.eval.runner import EpisodeRunner, RunSettings, error_record
from arena.eval.scheduling import RetryQueue

_POLL_SECONDS = 0.1


def _worker_main(settings: RunSettings, jobs: Any, results: Any, heartbeat: Any) -> None:
    """Worker process: play each job it is given, report its record, beat before every policy step."""
    runner = EpisodeRunner(settings)

    def beat() -> None:
        heartbeat.value = time.time()

    try:
        while True:
            key = jobs.get()
            if key is None:
                return
            beat()
            results.put((key, runner.run(key, heartbeat=beat)))
    finally:
        runner.close()


@dataclass
class _Worker:
    process: Any
    jobs: Any
    heartbeat: Any
    job: EpisodeKey | None = None
    attempt: int = 0
    started: float = 0.0


class LocalPool:
    """A pool of episode worker processes with per-step timeouts and crash recovery."""

    def __init__(self, settings: RunSettings, workers: int, step_timeout: float = 60.0) -> None:
        self.settings = settings
        self.step_timeout = step_timeout
        self._ctx = mp.get_context("spawn")
        self._results = self._ctx.Queue()
        self._workers = [self._spawn() for _ in range(workers)]

    def _spawn(self) -> _Worker:
        jobs = self._ctx.Queue()
        heartbeat = self._ctx.Value("d", time.time())
        process = self._ctx.Process(
            target=_worker_main, args=(self.settings, jobs, self._results, heartbeat), daemon=True
        )
        process.start()
        return _Worker(process, jobs, heartbeat)

    def _replace(self, worker: _Worker) -> _Worker:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        fresh = self._spawn()
        self._workers[self._workers.index(worker)] = fresh
        return fresh

    def run(self, keys: Iterable[EpisodeKey], on_record: Callable[[dict[str, Any]], None]) -> None:
        """Play every key; ``on_record`` receives each finished record (in completion order)."""
        pending = RetryQueue(keys)
        while pending or any(w.job is not None for w in self._workers):
            for worker in self._workers:
                if worker.job is None and pending:
                    worker.job, worker.attempt = pending.pop()
                    worker.started = time.time()
                    worker.heartbeat.value = time.time() + 30.0  # grace period for start-up and env building
                    worker.jobs.put(worker.job)
            try:
                key, record = self._results.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                pass
            else:
                for worker in self._workers:
                    if worker.job == key:
                        worker.job = None
                on_record(record)
            now = time.time()
            for worker in list(self._workers):
                if worker.job is None:
                    continue
                if not worker.process.is_alive():
                    key, attempt, code = worker.job, worker.attempt, worker.process.exitcode
                    self._replace(worker)
                    failed = pending.worker_lost(
                        key, attempt, "worker process died", f"exit code {code}", now - worker.started
                    )
                    if failed is not None:
                        on_record(failed)
                elif now - worker.heartbeat.value > self.step_timeout:
                    key = worker.job
                    self._replace(worker)
                    on_record(
                        error_record(
                            key,
                            f"timeout: a policy step took longer than {self.step_timeout:g} s",
                            now - worker.started,
                        )
                    )

    def close(self) -> None:
        """Stop every worker (safe to call twice)."""
        for worker in self._workers:
            if worker.process.is_alive():
                worker.jobs.put(None)
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
        self._workers = []
