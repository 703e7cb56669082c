"""The sidecar's MessagePack codecs (pure Python and C msgpack) and its socket framing."""

from __future__ import annotations

import json
import math
import socket
import struct
import threading

import pytest

from mcp_django_bun.sidecar import codec
from mcp_django_bun.sidecar.codec import CodecError, pure_packb, pure_unpackb, select_codec
from mcp_django_bun.sidecar.framing import MAX_FRAME, FrameError, encode_frame, read_frame

_C_NAME, _C_PACKB, _C_UNPACKB = select_codec(prefer_c=True)
_NEEDS_C = pytest.mark.skipif(_C_NAME != "msgpack", reason="the C msgpack package is not importable")

CODECS = [
    pytest.param((pure_packb, pure_unpackb), id="pure"),
    pytest.param((_C_PACKB, _C_UNPACKB), id="c", marks=_NEEDS_C),
]

# fmt: off
INT_BOUNDARIES = [
    0, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, 2**64 - 1,
    -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63,
]
# fmt: on

# One value per supported kind, including the length boundaries of every sized header.
SAMPLES = {
    "nil": None,
    "true": True,
    "false": False,
    "float zero": 0.0,
    "float half": 0.5,
    "float negative": -1.25,
    "float huge": 1e300,
    "float tiny": 5e-324,
    "float infinity": math.inf,
    "empty str": "",
    "ascii str": "hello",
    "accented str": "héllo",
    "cjk str": "日本語",
    "emoji str": "🐍",
    "highest codepoint str": "\U0010ffff",
    "str 31 bytes (fixstr max)": "s" * 31,
    "str 32 bytes (str8)": "s" * 32,
    "str 255 bytes": "s" * 255,
    "str 256 bytes (str16)": "s" * 256,
    "str 65535 bytes": "s" * 65535,
    "str 65536 bytes (str32)": "s" * 65536,
    "empty bytes": b"",
    "bytes with nul and 0xff": b"\x00\x01\xfe\xff",
    "bytes 256 (bin16)": bytes(range(256)),
    "bytes 65536 (bin32)": bytes(65536),
    "empty array": [],
    "array of 15 (fixarray max)": list(range(15)),
    "array of 16 (array16)": list(range(16)),
    "array of 65536 (array32)": [None] * 65536,
    "empty map": {},
    "map of 15 (fixmap max)": {f"k{i}": i for i in range(15)},
    "map of 16 (map16)": {f"k{i}": i for i in range(16)},
    "map of 65536 (map32)": {i: i for i in range(65536)},
    "nested maps and arrays": {
        "a": [1, "two", None, True, {"b": [1.5, b"\x00", {"c": {"d": []}}]}],
        "": {},
        "日本": [[], [[]], [{"x": -1}]],
        7: "integer key",
    },
}

TEN_MB_STRING = "abcdé日🐍" * (10 * 1024 * 1024 // 13 + 1)  # 13 UTF-8 bytes per repetition


@pytest.fixture(params=CODECS)
def pair(request):
    """(packb, unpackb) of one codec."""
    return request.param


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", SAMPLES.values(), ids=SAMPLES.keys())
def test_value_round_trips_unchanged(pair, value):
    packb, unpackb = pair
    back = unpackb(packb(value))
    assert back == value
    assert type(back) is type(value)


@pytest.mark.parametrize("value", INT_BOUNDARIES, ids=str)
def test_int_at_width_boundary_round_trips_unchanged(pair, value):
    packb, unpackb = pair
    back = unpackb(packb(value))
    assert back == value
    assert type(back) is int


def test_tuple_round_trips_as_list(pair):
    packb, unpackb = pair
    assert unpackb(packb((1, "a", (None,)))) == [1, "a", [None]]


def test_ten_mb_string_round_trips(pair):
    packb, unpackb = pair
    assert len(TEN_MB_STRING.encode()) >= 10 * 1024 * 1024
    assert unpackb(packb(TEN_MB_STRING)) == TEN_MB_STRING


# --- pure and C agree -------------------------------------------------------------------------


CROSS_VALUES = {**SAMPLES, **{f"int {v}": v for v in INT_BOUNDARIES}, "10 MB string": TEN_MB_STRING}


@_NEEDS_C
@pytest.mark.parametrize("value", CROSS_VALUES.values(), ids=CROSS_VALUES.keys())
def test_pure_encoding_decodes_identically_with_c(value):
    assert _C_UNPACKB(pure_packb(value)) == value


@_NEEDS_C
@pytest.mark.parametrize("value", CROSS_VALUES.values(), ids=CROSS_VALUES.keys())
def test_c_encoding_decodes_identically_with_pure(value):
    assert pure_unpackb(_C_PACKB(value)) == value


@_NEEDS_C
@pytest.mark.parametrize("value", CROSS_VALUES.values(), ids=CROSS_VALUES.keys())
def test_pure_and_c_encoders_produce_the_same_bytes(value):
    assert pure_packb(value) == _C_PACKB(value)


# --- rejected input ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, 2**100], ids=str)
def test_int_beyond_64_bits_raises_codec_error_on_pack(pair, value):
    packb, _ = pair
    with pytest.raises(CodecError):
        packb(value)


def test_every_truncation_of_a_value_raises_codec_error(pair):
    packb, unpackb = pair
    data = packb(SAMPLES["nested maps and arrays"])
    for end in range(len(data)):
        with pytest.raises(CodecError):
            unpackb(data[:end])


@pytest.mark.parametrize(
    "data",
    [
        b"\xcd\x01",
        b"\xcf\x00\x00\x00",
        b"\xcb\x3f\xe0",
        b"\xdb\x00\x00\x00\x05abc",
        b"\xc4\x04ab",
        b"\xdd\xff\xff\xff\xff",
        b"\xdf\xff\xff\xff\xff",
    ],
    ids=["uint16", "uint64", "float64", "str32", "bin8", "array32 of 2**32-1", "map32 of 2**32-1"],
)
def test_header_promising_more_than_present_raises_codec_error(pair, data):
    _, unpackb = pair
    with pytest.raises(CodecError):
        unpackb(data)


def test_empty_input_raises_codec_error(pair):
    _, unpackb = pair
    with pytest.raises(CodecError):
        unpackb(b"")


def test_trailing_bytes_after_the_value_raise_codec_error(pair):
    packb, unpackb = pair
    with pytest.raises(CodecError):
        unpackb(packb({"a": 1}) + b"\xc0")


@pytest.mark.parametrize("data", [b"\xc1", b"\x91\xc1", b"\x81\xa1k\xc1"], ids=["top level", "in array", "in map"])
def test_never_used_type_tag_0xc1_raises_codec_error(pair, data):
    _, unpackb = pair
    with pytest.raises(CodecError):
        unpackb(data)


def test_invalid_utf8_in_a_str_raises_codec_error(pair):
    _, unpackb = pair
    with pytest.raises(CodecError):
        unpackb(b"\xa2\xff\xfe")


def test_map_with_an_unhashable_key_raises_codec_error(pair):
    _, unpackb = pair
    with pytest.raises(CodecError):
        unpackb(b"\x81\x91\x01\x02")  # {[1]: 2}


def test_deeply_nested_arrays_raise_codec_error(pair):
    _, unpackb = pair
    with pytest.raises(CodecError):
        unpackb(b"\x91" * 100_000 + b"\xc0")


# --- framing ----------------------------------------------------------------------------------


@pytest.fixture
def sockets(pair, monkeypatch):
    """A connected (sender, receiver) socket pair; framing uses the parametrized codec.

    The receiver has a 2 s timeout, so a read_frame that waits for bytes that never come fails
    with TimeoutError instead of hanging the suite.
    """
    packb, unpackb = pair
    monkeypatch.setattr(codec, "packb", packb)
    monkeypatch.setattr(codec, "unpackb", unpackb)
    sender, receiver = socket.socketpair()
    receiver.settimeout(2)
    yield sender, receiver
    sender.close()
    receiver.close()


def _send_in_background(sock: socket.socket, data: bytes, *, close: bool) -> threading.Thread:
    def run() -> None:
        sock.sendall(data)
        if close:
            sock.shutdown(socket.SHUT_WR)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_frame_written_by_encode_frame_is_read_back_by_read_frame(sockets):
    sender, receiver = sockets
    message = {"id": 1, "op": "ping", "args": [None, True, 2**40, -7, 0.5, "日本語", b"\x00\xff"]}
    sender.sendall(encode_frame(message))
    assert read_frame(receiver) == message


def test_frame_carries_a_ten_mb_string(sockets):
    sender, receiver = sockets
    message = {"result": TEN_MB_STRING}
    thread = _send_in_background(sender, encode_frame(message), close=False)
    assert read_frame(receiver) == message
    thread.join()


def test_consecutive_frames_are_read_in_order_then_none_at_clean_close(sockets):
    sender, receiver = sockets
    sender.sendall(encode_frame({"n": 1}) + encode_frame({"n": 2}))
    sender.shutdown(socket.SHUT_WR)
    assert read_frame(receiver) == {"n": 1}
    assert read_frame(receiver) == {"n": 2}
    assert read_frame(receiver) is None


def test_clean_close_before_any_frame_gives_none(sockets):
    sender, receiver = sockets
    sender.shutdown(socket.SHUT_WR)
    assert read_frame(receiver) is None


def test_header_announcing_more_than_max_frame_raises_before_the_body_is_sent(sockets):
    sender, receiver = sockets
    # Only the header, and the sender stays open: waiting for the body would time out instead.
    sender.sendall(struct.pack(">I", MAX_FRAME + 1))
    with pytest.raises(FrameError, match="exceeds"):
        read_frame(receiver)


def test_header_announcing_exactly_max_frame_is_not_rejected_as_oversized(sockets):
    sender, receiver = sockets
    sender.sendall(struct.pack(">I", MAX_FRAME) + b"\xc0" * 10)
    sender.shutdown(socket.SHUT_WR)
    with pytest.raises(FrameError, match="closed inside a frame"):
        read_frame(receiver)


def test_close_after_part_of_the_body_raises_frame_error(sockets):
    sender, receiver = sockets
    sender.sendall(struct.pack(">I", 100) + b"\x00" * 10)
    sender.shutdown(socket.SHUT_WR)
    with pytest.raises(FrameError):
        read_frame(receiver)


def test_close_inside_the_length_header_raises_frame_error(sockets):
    sender, receiver = sockets
    sender.sendall(b"\x00\x00")
    sender.shutdown(socket.SHUT_WR)
    with pytest.raises(FrameError):
        read_frame(receiver)


@pytest.mark.parametrize("value", [[1, 2], "text", 7, None], ids=["array", "str", "int", "nil"])
def test_body_that_is_not_a_map_raises_frame_error(sockets, value):
    sender, receiver = sockets
    body = codec.packb(value)
    sender.sendall(struct.pack(">I", len(body)) + body)
    with pytest.raises(FrameError, match="not a map"):
        read_frame(receiver)


def test_undecodable_body_raises_frame_error(sockets):
    sender, receiver = sockets
    sender.sendall(struct.pack(">I", 1) + b"\xc1")
    with pytest.raises(FrameError):
        read_frame(receiver)


def test_body_with_trailing_bytes_raises_frame_error(sockets):
    sender, receiver = sockets
    body = codec.packb({"a": 1}) + b"\xc0"
    sender.sendall(struct.pack(">I", len(body)) + body)
    with pytest.raises(FrameError):
        read_frame(receiver)


def test_body_with_invalid_utf8_raises_frame_error(sockets):
    sender, receiver = sockets
    body = b"\x81\xa1k\xa2\xff\xfe"  # {"k": <invalid UTF-8>}
    sender.sendall(struct.pack(">I", len(body)) + body)
    with pytest.raises(FrameError):
        read_frame(receiver)


def test_encode_frame_of_a_message_bigger_than_max_frame_raises_frame_error(sockets):
    with pytest.raises(FrameError, match="exceeds"):
        encode_frame({"s": "x" * (MAX_FRAME + 1)})


# --- results as JSON text -------------------------------------------------------------------


def test_result_goes_as_compact_json_text():
    assert codec.result_fields({"routes": [{"name": "a", "n": 1}], "ok": True}) == {
        "result_json": '{"routes":[{"name":"a","n":1}],"ok":true}'
    }


def test_json_text_is_ascii_with_non_ascii_and_lone_surrogates_escaped():
    text = codec.json_text({"title": "Café ☕", "printed": "\ud800"})
    assert text is not None and text.isascii()
    assert json.loads(text) == {"title": "Café ☕", "printed": "\ud800"}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_result_with_a_float_json_cannot_carry_goes_as_messagepack(value):
    assert codec.result_fields({"value": value}) == {"result": {"value": value}}


def test_result_with_bytes_goes_as_messagepack():
    assert codec.result_fields({"data": b"\x00\x01"}) == {"result": {"data": b"\x00\x01"}}


def test_json_text_of_a_large_result_is_parsed_back_equal():
    routes = [{"pattern": f"app/{i}/", "name": f"r{i}", "parameters": ["pk"], "view": {"line": i}} for i in range(5000)]
    text = codec.json_text({"routes": routes})
    assert text is not None
    assert json.loads(text) == {"routes": routes}
