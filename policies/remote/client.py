"""``remote:ws://HOST:PORT`` policies: an Arena policy that asks a policy server speaking openpi's protocol.

The policy name is ``remote:<ws or wss URL>`` with optional client settings after ``#`` (a URL fragment is never
sent to the server): ``keys=arena|libero|droid|<mapping.yaml>`` (observation key mapping, default ``arena``),
``timeout=<seconds per request>`` (default 30), ``steps=<n>`` (execute only the first n actions of each chunk,
as openpi's ``replan_steps``) and ``max_mb=<largest reply in MiB>`` (default 16). Example:
``remote:ws://gpu-box:8000#keys=libero&steps=5``.

Faults are data: a refused connection, a timeout, a server's error text, a malformed reply or an action chunk of the
wrong shape raises :class:`~arena.policies.remote.errors.RemotePolicyError` from ``reset``/``act``, which the
harness records as that episode's failure; the connection is dropped and the next episode reconnects, with
back-off. Only reaching no server at all when the evaluation starts stops it (while the factory reads the
server's metadata).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import numpy as np

from arena.policies.remote import codec
from arena.policies.remote.errors import (
    ConnectionLostError,
    ProtocolError,
    RemotePolicyError,
)
from arena.policies.remote.keys import KeyMapping, key_mapping

REMOTE_PREFIX = "remote:"
#: The map key of Arena's own messages (reset); a server that declares ``arena.reset`` in its metadata handles it.
ARENA_MESSAGE = "__arena__"
#: Seconds to wait between reconnection attempts (one attempt more than delays).
RECONNECT_DELAYS = (0.25, 0.5, 1.0, 2.0)
OPTIONS = ("keys", "timeout", "steps", "max_mb")


@dataclass(frozen=True)
class RemoteSpec:
    """A parsed ``remote:`` policy name."""

    url: str
    keys: str = "arena"
    timeout: float = 30.0
    steps: int | None = None
    max_mb: float = 16.0

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 2**20)


def parse_remote(name: str) -> RemoteSpec:
    """The URL and client settings of ``remote:ws://HOST:PORT[#keys=...&timeout=...&steps=...&max_mb=...]``."""
    text = name.removeprefix(REMOTE_PREFIX)
    url, _, fragment = text.partition("#")
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise RemotePolicyError(f"policy {name!r}: expected remote:ws://HOST:PORT (or wss://), got {text!r}")
    try:
        parts.port  # noqa: B018 - raises for a malformed port
    except ValueError:
        raise RemotePolicyError(f"policy {name!r}: the port of {url!r} is not a number from 0 to 65535") from None
    options = dict(parse_qsl(fragment, keep_blank_values=True))
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise RemotePolicyError(f"policy {name!r}: unknown option(s) {unknown} after '#'; valid: {', '.join(OPTIONS)}")
    try:
        spec = RemoteSpec(
            url,
            options.get("keys", "arena"),
            float(options.get("timeout", 30.0)),
            int(options["steps"]) if "steps" in options else None,
            float(options.get("max_mb", 16.0)),
        )
    except ValueError as error:
        raise RemotePolicyError(f"policy {name!r}: bad option value ({error})") from None
    if spec.timeout <= 0 or spec.max_mb <= 0 or (spec.steps is not None and spec.steps < 1):
        raise RemotePolicyError(f"policy {name!r}: timeout and max_mb must be positive and steps at least 1")
    return spec


def with_keys(policy: str, keys: str) -> str:
    """``policy`` with the key mapping option set (``arena eval --policy-keys``); only for ``remote:`` policies."""
    if not policy.startswith(REMOTE_PREFIX):
        raise RemotePolicyError(f"--policy-keys applies to remote:ws://... policies, not {policy!r}")
    key_mapping(keys)  # refuse a bad preset or file before anything runs
    url, _, fragment = policy.partition("#")
    options = [(k, v) for k, v in parse_qsl(fragment, keep_blank_values=True) if k != "keys"]
    return f"{url}#" + "&".join(f"{k}={v}" for k, v in [("keys", keys), *options])


class _Connection:
    """An open connection and the metadata the server sent on connect."""

    def __init__(self, spec: RemoteSpec) -> None:
        from arena.policies.remote.transport import ClientLink

        self.link = ClientLink(spec.url, open_timeout=spec.timeout, max_size=spec.max_bytes)
        try:
            frame = self.link.recv(spec.timeout)
            metadata = codec.unpackb(frame, spec.max_bytes) if isinstance(frame, bytes) else frame
            if not isinstance(metadata, dict):
                raise ProtocolError(f"policy server {spec.url} sent {type(metadata).__name__} as metadata, not a map")
        except Exception:
            self.link.close()
            raise
        self.metadata: dict[Any, Any] = metadata


@functools.lru_cache(maxsize=16)
def server_metadata(spec: RemoteSpec) -> dict[Any, Any]:
    """The metadata map a server sends on connect (read once per process and server)."""
    connection = _Connection(spec)
    connection.link.close()
    return connection.metadata


def _arena_info(metadata: Mapping[Any, Any]) -> dict[str, Any]:
    info = metadata.get("arena")
    return info if isinstance(info, dict) else {}


class RemoteFactory:
    """Builds :class:`RemotePolicy` for an env; declares what the envs must render (from the key mapping, or from
    an Arena server's metadata)."""

    def __init__(self, name: str) -> None:
        self.policy_id = name
        self.spec = parse_remote(name)
        self.mapping = key_mapping(self.spec.keys)
        self.server_metadata = server_metadata(self.spec)
        info = _arena_info(self.server_metadata)
        self.obs_mode: str = "state" if info.get("obs_mode") == "state" and self.mapping.passthrough else "rgb"
        cameras = self.mapping.cameras or tuple(info.get("cameras") or ())
        seeing = self.obs_mode != "state"
        self.cameras: tuple[str, ...] | None = (cameras or None) if seeing else None
        self.image_size: int | None = (self.mapping.image_size or info.get("image_size")) if seeing else None

    def __call__(self, env: Any) -> RemotePolicy:
        return RemotePolicy(self.spec, self.mapping, env.action_space.shape[-1], self.policy_id, self.server_metadata)


class RemotePolicy:
    """An Arena policy answered by a policy server; one connection (one server-side session) per instance."""

    obs_mode: ClassVar[str] = "rgb"

    def __init__(
        self,
        spec: RemoteSpec,
        mapping: KeyMapping,
        action_dim: int,
        policy_id: str | None = None,
        known_metadata: Mapping[Any, Any] | None = None,
    ) -> None:
        self.spec, self.mapping, self.action_dim = spec, mapping, int(action_dim)
        self.policy_id = policy_id or f"{REMOTE_PREFIX}{spec.url}"
        self.server_metadata: Mapping[Any, Any] = known_metadata or {}
        self.last_timing: dict[str, Any] = {}
        self._connection: _Connection | None = None

    # -- connection ---------------------------------------------------------------------------------------------
    def _connect(self) -> _Connection:
        if self._connection is not None:
            return self._connection
        error: RemotePolicyError | None = None
        for delay in (0.0, *RECONNECT_DELAYS):
            time.sleep(delay)
            try:
                self._connection = _Connection(self.spec)
                self.server_metadata = self._connection.metadata
                return self._connection
            except RemotePolicyError as failure:
                error = failure
        raise ConnectionLostError(f"{error} (gave up after {len(RECONNECT_DELAYS) + 1} attempts)")

    def close(self) -> None:
        """Close the connection (the next episode opens a new one)."""
        if self._connection is not None:
            self._connection.link.close()
            self._connection = None

    def _exchange(self, message: Mapping[str, Any]) -> dict[Any, Any]:
        connection = self._connect()
        try:
            connection.link.send(codec.packb(dict(message)))
            frame = connection.link.recv(self.spec.timeout)
            if isinstance(frame, str):
                raise RemotePolicyError(f"policy server {self.spec.url} failed: {frame.strip()}")
            reply = codec.unpackb(frame, self.spec.max_bytes)
            if not isinstance(reply, dict):
                raise ProtocolError(f"expected a map, got {type(reply).__name__}")
            return reply
        except ProtocolError as error:
            self.close()
            raise ProtocolError(f"malformed reply from policy server {self.spec.url}: {error}") from None
        except RemotePolicyError:
            self.close()  # out of step with the server (or closed by it): start afresh next time
            raise

    # -- policy interface ---------------------------------------------------------------------------------------
    def reset(self, instruction: str, seed: int | None = None) -> None:
        """Start an episode: (re)connect if needed, and tell an Arena server to reset this session's policy."""
        connection = self._connect()
        if _arena_info(connection.metadata).get("reset"):
            reply = self._exchange({ARENA_MESSAGE: "reset", "instruction": instruction, "seed": seed})
            if reply.get(ARENA_MESSAGE) != "reset_done":
                self.close()
                raise ProtocolError(f"malformed reply from policy server {self.spec.url}: reset not acknowledged")

    def act(self, observation: dict[str, Any]) -> np.ndarray:
        """One request; the reply's ``actions`` (shaped (action_dim,) or (H, action_dim)), checked."""
        reply = self._exchange(self.mapping.request(observation))
        self.last_timing = reply.get("server_timing") if isinstance(reply.get("server_timing"), dict) else {}
        actions = reply.get("actions")
        if not isinstance(actions, np.ndarray) or actions.dtype.kind not in "fiu":
            self.close()
            raise ProtocolError(
                f"malformed reply from policy server {self.spec.url}: 'actions' must be a numeric array, got "
                f"{type(actions).__name__ if not isinstance(actions, np.ndarray) else actions.dtype} "
                f"(reply keys: {sorted(map(str, reply))})"
            )
        if actions.ndim not in (1, 2) or actions.shape[-1] != self.action_dim or actions.size == 0:
            raise ProtocolError(
                f"wrong action shape from policy server {self.spec.url}: got {actions.shape}, expected "
                f"({self.action_dim},) or (H, {self.action_dim})"
            )
        if not np.all(np.isfinite(actions)):
            raise ProtocolError(f"policy server {self.spec.url} sent non-finite actions")
        if actions.ndim == 2 and self.spec.steps is not None:
            actions = actions[: self.spec.steps]
        return actions

    def metadata(self) -> dict[str, Any]:
        """What results record: the server, the key mapping and the server's metadata (JSON-safe)."""
        return {"server": self.spec.url, "keys": self.mapping.name, "server_metadata": _json_safe(self.server_metadata)}


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return f"<array {value.dtype} {list(value.shape)}>"
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value
