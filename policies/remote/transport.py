"""WebSocket transport, the one module that imports ``websockets`` (inside functions, from the ``remote`` extra).

Client connections are synchronous (an evaluation worker asks and waits); the server runs on asyncio. Both use
openpi's settings: no compression, binary msgpack frames, errors as a text frame then close code 1011 (internal
error), and ``GET /healthz`` answered with 200. Every websockets exception is translated into
:mod:`arena.policies.remote.errors`, so callers never import websockets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from arena.policies.remote.errors import ConnectionLostError, RemotePolicyError, RemoteTimeoutError

#: Close code of a server-side error (RFC 6455 "internal error"), as openpi's server sends.
INTERNAL_ERROR = 1011
HEALTH_PATH = "/healthz"


def _websockets() -> Any:
    try:
        import websockets
        import websockets.asyncio.server
        import websockets.sync.client
    except ImportError as error:
        raise RemotePolicyError(
            f"remote policies need the remote extra ({error.name or error} is missing): pip install -e '.[remote]'"
        ) from None
    return websockets


class ClientLink:
    """One synchronous connection to a policy server."""

    def __init__(self, url: str, open_timeout: float, max_size: int | None) -> None:
        websockets = _websockets()
        self.url = url
        self._stack = contextlib.ExitStack()  # websockets >= 17.1 wants connections entered as context managers
        try:
            self._connection = self._stack.enter_context(
                websockets.sync.client.connect(
                    url, compression=None, max_size=max_size, open_timeout=open_timeout, close_timeout=1.0
                )
            )
        except TimeoutError:
            raise RemoteTimeoutError(f"policy server {url}: no handshake within {open_timeout:g} s") from None
        except ConnectionRefusedError:
            raise ConnectionLostError(f"connection refused by {url}: is a policy server running there?") from None
        except (OSError, websockets.exceptions.WebSocketException) as error:
            raise ConnectionLostError(f"cannot connect to {url}: {type(error).__name__}: {error}") from None

    def send(self, data: bytes) -> None:
        websockets = _websockets()
        try:
            self._connection.send(data)
        except websockets.exceptions.ConnectionClosed as closed:
            raise ConnectionLostError(f"connection to {self.url} closed ({_describe(closed)})") from None

    def recv(self, timeout: float | None) -> bytes | str:
        """The next frame: bytes for a message, str for a server error text."""
        websockets = _websockets()
        try:
            return self._connection.recv(timeout=timeout)
        except TimeoutError:
            raise RemoteTimeoutError(f"policy server {self.url} did not answer within {timeout:g} s") from None
        except websockets.exceptions.ConnectionClosed as closed:
            raise ConnectionLostError(f"connection to {self.url} closed ({_describe(closed)})") from None

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken connection may fail in any way; it is gone anyway
            self._stack.close()


def _describe(closed: Any) -> str:
    frame = closed.rcvd or closed.sent
    return f"code {frame.code}: {frame.reason or 'no reason'}" if frame else "no close frame"


class PeerClosed(Exception):  # noqa: N818 - an event, not a fault
    """The other side closed the connection."""


class ServerLink:
    """One server-side connection, as the request handler sees it."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self.remote_address = connection.remote_address

    async def recv(self) -> bytes | str:
        websockets = _websockets()
        try:
            return await self._connection.recv()
        except websockets.exceptions.ConnectionClosed:
            raise PeerClosed from None

    async def send(self, data: bytes | str) -> None:
        websockets = _websockets()
        try:
            await self._connection.send(data)
        except websockets.exceptions.ConnectionClosed:
            raise PeerClosed from None

    async def fail(self, text: str) -> None:
        """Send ``text`` as a text frame and close with code 1011, as openpi's server does on an error."""
        websockets = _websockets()
        try:
            await self._connection.send(text)
            await self._connection.close(code=INTERNAL_ERROR, reason="Internal server error. Error in previous frame.")
        except websockets.exceptions.ConnectionClosed:
            pass


async def open_server(
    handler: Callable[[ServerLink], Awaitable[None]], host: str, port: int, max_size: int | None
) -> Any:
    """A started websockets server calling ``handler`` per connection; ``/healthz`` answers 200. Close it with
    ``server.close(); await server.wait_closed()``; its port is ``server.sockets[0].getsockname()[1]``."""
    import http

    websockets = _websockets()

    def health_check(connection: Any, request: Any) -> Any:
        if request.path == HEALTH_PATH:
            return connection.respond(http.HTTPStatus.OK, "OK\n")
        return None

    async def serve_connection(connection: Any) -> None:
        await handler(ServerLink(connection))

    return await websockets.asyncio.server.serve(
        serve_connection, host, port, compression=None, max_size=max_size, process_request=health_check
    )
