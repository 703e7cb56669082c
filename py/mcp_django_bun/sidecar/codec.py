"""MessagePack encoding for the sidecar protocol.

The sidecar must run in the user's interpreter with nothing installed but Django, so a small
pure-Python codec covering the subset the protocol uses (nil, bool, int, float, str, bin, array,
map) is always available. The C ``msgpack`` package is used instead when it happens to be
importable: both produce and accept the same bytes for that subset.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Mapping
from typing import Any

from .contract import RESULT_JSON_KEY


class CodecError(ValueError):
    """Raised for bytes that are not a single valid MessagePack value of the supported subset."""


def pure_packb(obj: Any) -> bytes:
    out: list[bytes] = []
    _pack(obj, out)
    return b"".join(out)


def _pack(obj: Any, out: list[bytes]) -> None:
    if obj is None:
        out.append(b"\xc0")
    elif obj is True:
        out.append(b"\xc3")
    elif obj is False:
        out.append(b"\xc2")
    elif isinstance(obj, int):
        out.append(_pack_int(obj))
    elif isinstance(obj, float):
        out.append(b"\xcb" + struct.pack(">d", obj))
    elif isinstance(obj, str):
        data = obj.encode("utf-8", "surrogatepass")
        # Header and data apart: a long string (a JSON result) is copied once, by the final join.
        out.append(_header(len(data), 0xA0, 31, b"\xd9", b"\xda", b"\xdb"))
        out.append(data)
    elif isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
        out.append(_header(len(data), None, 0, b"\xc4", b"\xc5", b"\xc6") + data)
    elif isinstance(obj, (list, tuple)):
        out.append(_header(len(obj), 0x90, 15, None, b"\xdc", b"\xdd"))
        for item in obj:
            _pack(item, out)
    elif isinstance(obj, dict):
        out.append(_header(len(obj), 0x80, 15, None, b"\xde", b"\xdf"))
        for key, value in obj.items():
            _pack(key, out)
            _pack(value, out)
    else:
        raise CodecError(f"cannot encode {type(obj).__name__} as MessagePack")


def _header(
    length: int,
    fix_base: int | None,
    fix_max: int,
    tag8: bytes | None,
    tag16: bytes,
    tag32: bytes,
) -> bytes:
    if fix_base is not None and length <= fix_max:
        return bytes([fix_base | length])
    if tag8 is not None and length <= 0xFF:
        return tag8 + bytes([length])
    if length <= 0xFFFF:
        return tag16 + struct.pack(">H", length)
    if length <= 0xFFFFFFFF:
        return tag32 + struct.pack(">I", length)
    raise CodecError(f"length {length} is too large for MessagePack")


def _pack_int(value: int) -> bytes:
    if 0 <= value <= 0x7F:
        return bytes([value])
    if -32 <= value < 0:
        return struct.pack(">b", value)
    if value >= 0:
        for tag, fmt, limit in (
            (b"\xcc", ">B", 0xFF),
            (b"\xcd", ">H", 0xFFFF),
            (b"\xce", ">I", 0xFFFFFFFF),
            (b"\xcf", ">Q", 0xFFFFFFFFFFFFFFFF),
        ):
            if value <= limit:
                return tag + struct.pack(fmt, value)
    else:
        for tag, fmt, limit in (
            (b"\xd0", ">b", 0x80),
            (b"\xd1", ">h", 0x8000),
            (b"\xd2", ">i", 0x80000000),
            (b"\xd3", ">q", 0x8000000000000000),
        ):
            if -value <= limit:
                return tag + struct.pack(fmt, value)
    raise CodecError(f"integer {value} does not fit in 64 bits")


# fmt: off
# Fixed-width types: tag -> (struct format, size).
_FIXED = {
    0xCA: (">f", 4), 0xCB: (">d", 8),
    0xCC: (">B", 1), 0xCD: (">H", 2), 0xCE: (">I", 4), 0xCF: (">Q", 8),
    0xD0: (">b", 1), 0xD1: (">h", 2), 0xD2: (">i", 4), 0xD3: (">q", 8),
}
# Variable-length types: tag -> (kind, struct format of the length, size of the length).
_SIZED = {
    0xD9: ("str", ">B", 1), 0xDA: ("str", ">H", 2), 0xDB: ("str", ">I", 4),
    0xC4: ("bin", ">B", 1), 0xC5: ("bin", ">H", 2), 0xC6: ("bin", ">I", 4),
    0xDC: ("array", ">H", 2), 0xDD: ("array", ">I", 4),
    0xDE: ("map", ">H", 2), 0xDF: ("map", ">I", 4),
}
# fmt: on


def pure_unpackb(data: bytes) -> Any:
    view = memoryview(data)
    try:
        value, end = _unpack(view, 0)
    except UnicodeDecodeError as exc:
        raise CodecError(f"invalid UTF-8 in a string: {exc}") from exc
    except TypeError as exc:  # an array or map used as a map key
        raise CodecError(f"unusable map key: {exc}") from exc
    except RecursionError as exc:
        raise CodecError("MessagePack value nested too deeply") from exc
    if end != len(view):
        raise CodecError(f"{len(view) - end} trailing bytes after the MessagePack value")
    return value


def _take(view: memoryview, pos: int, size: int) -> memoryview:
    if pos + size > len(view):
        raise CodecError("truncated MessagePack value")
    return view[pos : pos + size]


def _unpack(view: memoryview, pos: int) -> tuple[Any, int]:
    tag = _take(view, pos, 1)[0]
    pos += 1
    if tag <= 0x7F:
        return tag, pos
    if tag >= 0xE0:
        return tag - 0x100, pos
    if 0xA0 <= tag <= 0xBF:
        return _sized("str", view, pos, tag & 0x1F)
    if 0x90 <= tag <= 0x9F:
        return _sized("array", view, pos, tag & 0x0F)
    if 0x80 <= tag <= 0x8F:
        return _sized("map", view, pos, tag & 0x0F)
    if tag == 0xC0:
        return None, pos
    if tag == 0xC2:
        return False, pos
    if tag == 0xC3:
        return True, pos
    if tag in _FIXED:
        fmt, size = _FIXED[tag]
        return struct.unpack(fmt, _take(view, pos, size))[0], pos + size
    if tag in _SIZED:
        kind, fmt, size = _SIZED[tag]
        length = struct.unpack(fmt, _take(view, pos, size))[0]
        return _sized(kind, view, pos + size, length)
    raise CodecError(f"unsupported MessagePack type 0x{tag:02x}")


def _sized(kind: str, view: memoryview, pos: int, length: int) -> tuple[Any, int]:
    if kind == "str":
        return str(_take(view, pos, length), "utf-8", "surrogatepass"), pos + length
    if kind == "bin":
        return bytes(_take(view, pos, length)), pos + length
    if kind == "array":
        items = []
        for _ in range(length):
            item, pos = _unpack(view, pos)
            items.append(item)
        return items, pos
    mapping = {}
    for _ in range(length):
        key, pos = _unpack(view, pos)
        value, pos = _unpack(view, pos)
        mapping[key] = value
    return mapping, pos


def _c_codec() -> tuple[Callable[[Any], bytes], Callable[[bytes], Any]] | None:
    try:
        import msgpack
    except ImportError:
        return None

    def packb(obj: Any) -> bytes:
        try:
            # surrogatepass, like the pure codec: a lone surrogate printed by user code must not
            # make the answer unsendable.
            packed: bytes = msgpack.packb(obj, use_bin_type=True, unicode_errors="surrogatepass")
            return packed
        except (OverflowError, TypeError, ValueError) as exc:  # out-of-range int, unknown type, bad str
            raise CodecError(str(exc)) from exc

    def unpackb(data: bytes) -> Any:
        try:
            return msgpack.unpackb(data, raw=False, strict_map_key=False)
        except (ValueError, TypeError) as exc:  # ExtraData, FormatError, StackError; unhashable keys
            raise CodecError(str(exc)) from exc

    return packb, unpackb


def select_codec(prefer_c: bool = True) -> tuple[str, Callable[[Any], bytes], Callable[[bytes], Any]]:
    """Return (name, packb, unpackb): the C codec when importable and preferred, else pure Python."""
    c_codec = _c_codec() if prefer_c else None
    if c_codec is not None:
        return ("msgpack", *c_codec)
    return ("pure", pure_packb, pure_unpackb)


CODEC_NAME, packb, unpackb = select_codec()


# Compact, ASCII only (a lone surrogate printed by user code survives as an escape), no NaN, and no
# cycle check: results are trees the sidecar builds.
_JSON = json.JSONEncoder(separators=(",", ":"), allow_nan=False, check_circular=False)


def json_text(value: Any) -> str | None:
    """``value`` as JSON text, for a result sent under the contract's ``RESULT_JSON_KEY``; None
    when JSON can't carry it (a NaN or an infinity, bytes, a type JSON doesn't know), which then
    goes as MessagePack. The standard library's C encoder is many times faster than the pure
    codec on a large result, and as fast as the C ``msgpack``."""
    try:
        return _JSON.encode(value)
    except (TypeError, ValueError, RecursionError):
        return None


def result_fields(result: Mapping[str, Any]) -> dict[str, Any]:
    """The result of a successful answer: as JSON text under ``RESULT_JSON_KEY`` (encoded in C,
    whichever MessagePack codec is in use), else as ``result``."""
    text = json_text(result)
    return {"result": result} if text is None else {RESULT_JSON_KEY: text}
