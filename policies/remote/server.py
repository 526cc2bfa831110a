"""``arena serve``: any Arena policy behind openpi's WebSocket protocol, with batched inference.

Each connection is one policy session (its own episode state): the policy's ``session()`` when it has one (a
learned checkpoint: weights shared, instruction per session), otherwise a fresh policy from the factory. On
connect the server sends its metadata (a msgpack map; ``metadata["arena"]`` says what the policy observes and that
the optional reset message is understood); every request is an observation map in Arena's keys, every reply
``{"actions": H x A, "server_timing": {"infer_ms", "queue_ms", "batch_size"}}``. Arena's reset message,
``{"__arena__": "reset", "instruction": str, "seed": int | None}``, resets the session and is answered
``{"__arena__": "reset_done"}``; openpi clients never send it. A request that fails (malformed, or one the model
raises on) gets the error as a text frame and its connection is closed with code 1011; other connections carry on.

The scripted expert is refused: it acts on the simulator's internal state, which observations do not carry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from arena.policies.remote import codec
from arena.policies.remote.batching import Batcher, InferenceFailed
from arena.policies.remote.client import ARENA_MESSAGE, _json_safe
from arena.policies.remote.errors import ProtocolError, RemotePolicyError

logger = logging.getLogger(__name__)
PROTOCOL_VERSION = 1
DEFAULT_HOST = "127.0.0.1"


class ServeError(RemotePolicyError):
    """A policy that cannot be served, or server settings that cannot be used."""


@dataclass(frozen=True)
class ServeSettings:
    """How ``arena serve`` runs: the policy name, where it listens, batching and message limits."""

    policy: str
    host: str = DEFAULT_HOST
    port: int = 8000
    max_batch: int = 16
    max_wait_ms: float = 5.0
    max_message_mb: float = 16.0
    task: str | None = None
    device: str = "cpu"


class ServedPolicy:
    """A policy built once for serving: its metadata, per-connection sessions and observation checks."""

    def __init__(self, name: str, task: str | None = None, device: str = "cpu") -> None:
        import gymnasium as gym

        from arena.eval.policies import build_policy, env_kwargs, resolve_policy
        from arena.policies.expert import ScriptedExpert
        from arena.registration import env_id
        from arena.spec.task import task_names

        self.name = name
        if name.startswith("remote:"):
            raise ServeError(f"cannot serve {name!r}: a remote policy is served by its own server already")
        self.factory = resolve_policy(name)
        if device != "cpu":
            from arena.policies.learned.factory import CheckpointFactory

            if not isinstance(self.factory, CheckpointFactory):
                raise ServeError(f"--device {device} applies to checkpoint: policies only, not {name!r}")
            self.factory = CheckpointFactory(self.factory.checkpoint, device=device)
        self.env = gym.make(env_id(task or task_names()[0]), **env_kwargs(self.factory))
        self.model = build_policy(name, self.env) if device == "cpu" else self.factory(self.env)
        if isinstance(self.model, ScriptedExpert):
            self.env.close()
            raise ServeError(
                f"cannot serve {name!r}: the scripted expert acts on the simulator's internal state (object poses, "
                "contacts), which the observations a client sends do not carry; serve a checkpoint:, random or "
                "module:factory policy that acts on observations (evaluate the expert locally with arena eval)"
            )
        unwrapped = self.env.unwrapped
        self.obs_mode: str = unwrapped.obs_mode if hasattr(unwrapped, "obs_mode") else "rgb"
        self.cameras: tuple[str, ...] = tuple(unwrapped.cameras) if self.obs_mode != "state" else ()
        self.image_size: int = int(unwrapped.image_size[0])
        self.action_dim = int(self.env.action_space.shape[-1])

    def metadata(self, max_batch: int) -> dict[str, Any]:
        """The map sent on connect."""
        policy_metadata = self.model.metadata() if callable(getattr(self.model, "metadata", None)) else {}
        return {
            "arena": {
                "protocol": PROTOCOL_VERSION, "reset": True, "keys": "arena", "policy": self.name,
                "obs_mode": self.obs_mode, "cameras": list(self.cameras), "image_size": self.image_size,
                "action_dim": self.action_dim, "max_batch": max_batch,
            },
            "policy_metadata": _json_safe(policy_metadata),
        }  # fmt: skip

    def new_session(self) -> Any:
        """A policy session for one connection (shared weights where the policy allows it)."""
        session = getattr(self.model, "session", None)
        return session() if callable(session) else self.factory(self.env)

    def check(self, message: Any) -> dict[str, Any]:
        """``message`` as an observation in Arena's keys, or :class:`ProtocolError` naming what is wrong."""
        if not isinstance(message, dict) or not all(isinstance(k, str) for k in message):
            raise ProtocolError("a request must be a map with string keys (Arena observation keys)")
        state = message.get("state")
        if not isinstance(state, np.ndarray) or state.shape != (15,) or state.dtype.kind != "f":
            raise ProtocolError(f"'state' must be a float array of shape (15,), got {_describe(state)}")
        if not isinstance(message.get("instruction"), str):
            raise ProtocolError(f"'instruction' must be a string, got {_describe(message.get('instruction'))}")
        side = self.image_size
        for camera in self.cameras:
            image = message.get(f"images/{camera}")
            if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.shape != (side, side, 3):
                raise ProtocolError(f"'images/{camera}' must be uint8 ({side}, {side}, 3), got {_describe(image)}")
        return message

    def close(self) -> None:
        self.env.close()


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array {value.shape}"
    return "nothing" if value is None else type(value).__name__


class PolicyServer:
    """The asyncio server: connections, sessions, the batcher; ``run()`` until ``stop()`` (or SIGINT/SIGTERM)."""

    def __init__(self, settings: ServeSettings, served: ServedPolicy | None = None) -> None:
        if settings.max_batch < 1 or settings.max_wait_ms < 0 or settings.max_message_mb <= 0:
            raise ServeError("max_batch must be at least 1, max_wait_ms at least 0 and max_message_mb positive")
        if not 0 <= settings.port <= 65535:
            raise ServeError(f"port {settings.port} is not a TCP port; valid: 0 (any free port) to 65535")
        self.settings = settings
        self.served = served or ServedPolicy(settings.policy, settings.task, settings.device)
        self.port: int | None = None
        self.connections = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arena-inference")
        self._batcher = Batcher(self.served.model, settings.max_batch, settings.max_wait_ms, self._executor)
        self._metadata = codec.packb(self.served.metadata(settings.max_batch))
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.ready = threading.Event()
        self.on_ready: Callable[[int], None] | None = None

    @property
    def stats(self) -> dict[str, Any]:
        return self._batcher.stats.as_dict()

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_message_mb * 2**20)

    async def run(self, handle_signals: bool = False) -> None:
        """Serve until :meth:`stop`; closes every connection (code 1001) and the inference thread on the way out."""
        from arena.policies.remote.transport import open_server

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._loop.add_signal_handler(sig, self._stop.set)
        self._batcher.start()
        server = await open_server(self._handle, self.settings.host, self.settings.port, self.max_bytes)
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        if self.on_ready is not None:
            self.on_ready(self.port)
        try:
            await self._stop.wait()
        finally:
            server.close()
            await server.wait_closed()
            await self._batcher.stop()
            self._executor.shutdown(wait=True)

    def stop(self) -> None:
        """Ask a running server to shut down (thread-safe)."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    async def _handle(self, link: Any) -> None:
        from arena.policies.remote.transport import PeerClosed

        loop = asyncio.get_running_loop()
        self.connections += 1
        try:
            session = await loop.run_in_executor(self._executor, self.served.new_session)
            await link.send(self._metadata)
            while True:
                frame = await link.recv()
                try:
                    reply = await self._answer(session, frame)
                except InferenceFailed as failure:
                    await link.fail(f"policy error: {failure.args[0]}")
                    return
                except Exception as error:  # a malformed request or a failing reset: this client only
                    detail = str(error) if isinstance(error, ProtocolError) else traceback.format_exc(limit=5)
                    await link.fail(f"bad request: {detail}" if isinstance(error, ProtocolError) else detail)
                    return
                await link.send(reply)
        except PeerClosed:
            pass
        finally:
            self.connections -= 1

    async def _answer(self, session: Any, frame: bytes | str) -> bytes:
        message = codec.unpackb(frame, self.max_bytes)
        if isinstance(message, dict) and ARENA_MESSAGE in message:
            return await self._control(session, message)
        observation = self.served.check(message)
        actions, timing = await self._batcher.act(session, observation)
        return codec.packb({"actions": actions, "server_timing": timing})

    async def _control(self, session: Any, message: Mapping[str, Any]) -> bytes:
        if message[ARENA_MESSAGE] != "reset":
            raise ProtocolError(f"unknown Arena message {message[ARENA_MESSAGE]!r}; valid: reset")
        instruction, seed = message.get("instruction", ""), message.get("seed")
        if not isinstance(instruction, str) or not (seed is None or isinstance(seed, int)):
            raise ProtocolError("reset needs 'instruction' (string) and 'seed' (integer or nil)")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, session.reset, instruction, seed)
        return codec.packb({ARENA_MESSAGE: "reset_done"})


def serve_forever(settings: ServeSettings, announce: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Run ``arena serve`` in this thread until SIGINT/SIGTERM (``announce`` gets the bound port once listening);
    returns the batching statistics."""
    server = PolicyServer(settings)
    server.on_ready = announce
    try:
        asyncio.run(server.run(handle_signals=True))
    finally:
        server.served.close()
    return server.stats


@contextlib.contextmanager
def serve_in_thread(settings: ServeSettings, served: ServedPolicy | None = None) -> Iterator[PolicyServer]:
    """A server on a background thread for the duration of the block (tests, benchmarks); ``.port`` is bound."""
    server = PolicyServer(settings, served)
    errors: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(server.run())
        except BaseException as error:  # surfaced to the caller below
            errors.append(error)
            server.ready.set()

    thread = threading.Thread(target=main, name="arena-serve", daemon=True)
    thread.start()
    server.ready.wait(timeout=60)
    if errors:
        raise ServeError(f"policy server did not start: {errors[0]}")
    try:
        yield server
    finally:
        server.stop()
        thread.join(timeout=30)
