"""Errors of remote policies: every fault of a remote policy is one of these, with a message saying what failed."""

from __future__ import annotations

from arena.errors import ArenaError


class RemotePolicyError(ArenaError, RuntimeError):
    """A remote policy that could not answer: unreachable server, timeout, server error, malformed reply."""


class ProtocolError(RemotePolicyError, ValueError):
    """A message that does not follow the protocol (not msgpack, wrong keys, wrong shapes or dtypes)."""


class KeyMappingError(ArenaError, ValueError):
    """An observation key mapping (preset name or YAML file) that cannot be used."""


class RemoteTimeoutError(RemotePolicyError, TimeoutError):
    """A policy server that did not answer within the request timeout."""


class ConnectionLostError(RemotePolicyError, ConnectionError):
    """A connection that closed, or never opened (refused, unreachable, handshake failed)."""
