"""Test helper: echo frames from stdin to stdout through one Python codec.

Usage: codec_echo.py pure|c|result. Each frame (4-byte big-endian length + MessagePack body) is
decoded and re-encoded with the named codec, until EOF on stdin; ``result`` answers each frame as
the sidecar answers a request: its map as a result (JSON text when JSON can carry it), with the
pure codec.
"""

import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "py"))

from mcp_django_bun.sidecar.codec import pure_packb, pure_unpackb, result_fields, select_codec  # noqa: E402


def read_exact(stream, size):
    data = stream.read(size)
    if len(data) not in (0, size):
        sys.exit(f"codec_echo: truncated input ({len(data)} of {size} bytes)")
    return data


def main():
    if sys.argv[1:] == ["pure"]:
        packb, unpackb = pure_packb, pure_unpackb
    elif sys.argv[1:] == ["result"]:
        unpackb = pure_unpackb

        def packb(message):
            return pure_packb({"type": "res", "id": "1", "ok": True, **result_fields(message)})

    elif sys.argv[1:] == ["c"]:
        name, packb, unpackb = select_codec(prefer_c=True)
        if name != "msgpack":
            sys.exit("codec_echo: the C msgpack package is not importable")
    else:
        sys.exit("usage: codec_echo.py pure|c|result")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while header := read_exact(stdin, 4):
        body = packb(unpackb(read_exact(stdin, struct.unpack(">I", header)[0])))
        stdout.write(struct.pack(">I", len(body)) + body)
        stdout.flush()


if __name__ == "__main__":
    main()
