"""Frames on the sidecar socket: a 4-byte big-endian length, then one MessagePack map."""

from __future__ import annotations

import socket
import struct
from typing import Any

from . import codec

# Large enough for a 10 MB string with its envelope; anything bigger is a protocol error, and
# rejecting it before reading keeps a corrupt length from allocating gigabytes.
MAX_FRAME = 64 * 1024 * 1024
_LENGTH = struct.Struct(">I")


class FrameError(Exception):
    """The peer sent something that is not a valid frame (too large, truncated, not a map)."""


def encode_frame(message: dict[str, Any]) -> bytes:
    body = codec.packb(message)
    if len(body) > MAX_FRAME:
        raise FrameError(f"frame of {len(body)} bytes exceeds the {MAX_FRAME}-byte limit")
    return _LENGTH.pack(len(body)) + body


def decode_body(body: bytes) -> dict[str, Any]:
    try:
        message = codec.unpackb(body)
    except codec.CodecError as exc:
        raise FrameError(f"undecodable frame: {exc}") from exc
    if not isinstance(message, dict):
        raise FrameError(f"frame holds a {type(message).__name__}, not a map")
    return message


def _recv_exact(sock: socket.socket, size: int, *, at_boundary: bool) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1024 * 1024))
        if not chunk:
            if at_boundary and not chunks:
                return None
            raise FrameError(f"connection closed inside a frame ({len(chunks)} of {size} bytes)")
        chunks += chunk
    return bytes(chunks)


def read_frame(sock: socket.socket) -> dict[str, Any] | None:
    """Read one message; None when the peer closed the connection cleanly between frames."""
    header = _recv_exact(sock, _LENGTH.size, at_boundary=True)
    if header is None:
        return None
    (length,) = _LENGTH.unpack(header)
    if length > MAX_FRAME:
        raise FrameError(f"frame of {length} bytes exceeds the {MAX_FRAME}-byte limit")
    body = _recv_exact(sock, length, at_boundary=False)
    assert body is not None
    return decode_body(body)
