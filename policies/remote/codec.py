"""openpi's msgpack-numpy wire format, byte-compatible with ``openpi_client.msgpack_numpy``.

Numpy arrays travel as maps ``{b"__ndarray__": True, b"data": bytes, b"dtype": dtype.str, b"shape": shape}`` and
numpy scalars as ``{b"__npgeneric__": True, b"data": item, b"dtype": dtype.str}`` (binary keys); everything else is
plain msgpack with ``use_bin_type=True``. Object, void and complex dtypes are refused, as openpi does; nothing is
ever unpickled. Decoding checks each array's dtype and that its bytes fill its shape, and gives read-only arrays
backed by the message (as openpi does). Followed: openpi commit 15a9616 (packages/openpi-client, msgpack_numpy.py).
"""

from __future__ import annotations

from typing import Any

import msgpack
import numpy as np

from arena.policies.remote.errors import ProtocolError

#: dtype kinds openpi refuses to send (object, void/structured, complex).
REFUSED_KINDS = ("V", "O", "c")


def _pack_numpy(obj: Any) -> Any:
    if isinstance(obj, (np.ndarray, np.generic)) and obj.dtype.kind in REFUSED_KINDS:
        raise ProtocolError(f"cannot send numpy dtype {obj.dtype}; use bool, integer, float or bytes/str arrays")
    if isinstance(obj, np.ndarray):
        return {b"__ndarray__": True, b"data": obj.tobytes(), b"dtype": obj.dtype.str, b"shape": obj.shape}
    if isinstance(obj, np.generic):
        return {b"__npgeneric__": True, b"data": obj.item(), b"dtype": obj.dtype.str}
    raise TypeError(f"cannot serialize {type(obj).__name__!r} object")


def _unpack_numpy(obj: dict[Any, Any]) -> Any:
    if b"__ndarray__" in obj:
        try:
            dtype = _dtype(obj[b"dtype"])
            shape = tuple(int(n) for n in obj[b"shape"])
            data = obj[b"data"]
            if not isinstance(data, bytes) or any(n < 0 for n in shape):
                raise ValueError("data must be bytes and the shape non-negative")
            return np.ndarray(buffer=data, dtype=dtype, shape=shape)
        except (KeyError, TypeError, ValueError) as error:
            raise ProtocolError(f"malformed array in message: {error}") from None
    if b"__npgeneric__" in obj:
        try:
            return _dtype(obj[b"dtype"]).type(obj[b"data"])
        except (KeyError, TypeError, ValueError) as error:
            raise ProtocolError(f"malformed numpy scalar in message: {error}") from None
    return obj


def _dtype(text: Any) -> np.dtype:
    dtype = np.dtype(text if isinstance(text, str) else "invalid")
    if dtype.kind in REFUSED_KINDS:
        raise ValueError(f"dtype {dtype} is not allowed")
    return dtype


def packb(obj: Any) -> bytes:
    """``obj`` (maps, lists, numbers, strings, numpy arrays and scalars) as one msgpack message."""
    try:
        return msgpack.packb(obj, default=_pack_numpy)
    except TypeError as error:
        raise ProtocolError(f"cannot encode message: {error}") from None


def unpackb(data: bytes, max_bytes: int | None = None) -> Any:
    """The object in one msgpack message; :class:`ProtocolError` for anything that is not a valid message."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ProtocolError(f"expected a binary msgpack frame, got {type(data).__name__}")
    if max_bytes is not None and len(data) > max_bytes:
        raise ProtocolError(f"message of {len(data)} bytes exceeds the limit of {max_bytes} bytes")
    try:
        return msgpack.unpackb(data, object_hook=_unpack_numpy)
    except ProtocolError:
        raise
    except Exception as error:  # untrusted bytes: any decoding failure is a malformed message
        raise ProtocolError(f"malformed msgpack message: {type(error).__name__}: {error}") from None
