import { describe, expect, test } from "bun:test";
import { RESULT_JSON_KEY } from "../src/contract/constants.ts";
import { FrameError, SidecarProtocolError } from "../src/errors.ts";
import { answerResult } from "../src/sidecar/connection.ts";
import { createFrameDecoder, encodeFrame, MAX_FRAME } from "../src/sidecar/framing.ts";
import { REPO, VENV_PYTHON } from "./support/paths.ts";

const ECHO = `${REPO}test/py/codec_echo.py`;

/** Sends each map through codec_echo.py in `mode`; returns the maps that come back. */
async function exchange(mode: "pure" | "c" | "result", maps: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const frames = maps.map((map) => encodeFrame(map));
  const input = new Uint8Array(frames.reduce((size, frame) => size + frame.length, 0));
  let offset = 0;
  for (const frame of frames) {
    input.set(frame, offset);
    offset += frame.length;
  }
  const child = Bun.spawn([VENV_PYTHON, ECHO, mode], { stdin: input, stdout: "pipe", stderr: "pipe" });
  const received: Record<string, unknown>[] = [];
  const feed = createFrameDecoder((message) => received.push(message));
  const stderr = new Response(child.stderr).text();
  for await (const chunk of child.stdout) feed(chunk);
  const exitCode = await child.exited;
  if (exitCode !== 0) throw new Error(`codec_echo.py ${mode} exited ${exitCode}: ${await stderr}`);
  return received;
}

/** Sends each value (in a `{value}` map, as frames hold maps) through codec_echo.py; returns what comes back. */
async function echo(codec: "pure" | "c", values: unknown[]): Promise<unknown[]> {
  const answers = await exchange(
    codec,
    values.map((value) => ({ value })),
  );
  return answers.map((message) => message.value);
}

/** Each map answered as the sidecar answers a request with it as the result; returns the answers. */
function answersTo(results: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  return exchange("result", results);
}

/** One round trip of a single value. */
async function roundTrip(codec: "pure" | "c", value: unknown): Promise<unknown> {
  const back = await echo(codec, [value]);
  expect(back).toHaveLength(1);
  return back[0];
}

function bytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff);
}

// 13 UTF-8 bytes per repetition, so at least 10 MiB of UTF-8 in all.
const TEN_MB_STRING = "abcdé日🐍".repeat(Math.ceil((10 * 1024 * 1024) / 13));

for (const codec of ["pure", "c"] as const) {
  describe(`msgpackr round trip through the ${codec} Python codec`, () => {
    test("null comes back as null", async () => {
      expect(await roundTrip(codec, null)).toBeNull();
    });

    test("true and false come back unchanged", async () => {
      expect(await echo(codec, [true, false])).toEqual([true, false]);
    });

    test("non-negative ints at every width within 32 bits come back as the same numbers", async () => {
      const values = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1];
      expect(await echo(codec, values)).toEqual(values);
    });

    test("negative ints at every width within 32 bits come back as the same numbers", async () => {
      const values = [-1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31)];
      expect(await echo(codec, values)).toEqual(values);
    });

    test("JS numbers beyond 32 bits (2**32, 2**53-1, -(2**31)-1, -(2**53-1)) travel as float64 and come back as the same numbers", async () => {
      const values = [2 ** 32, 2 ** 40 + 1, 2 ** 53 - 1, -(2 ** 31) - 1, -(2 ** 53 - 1)];
      const back = await echo(codec, values);
      expect(back).toEqual(values);
      for (const value of back) expect(typeof value).toBe("number");
    });

    test("BigInts beyond ±2**53 (up to 2n**64n-1n, down to -(2n**63n)) come back as the same BigInts", async () => {
      const values = [2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, -(2n ** 53n) - 1n, -(2n ** 63n)];
      const back = await echo(codec, values);
      expect(back).toHaveLength(values.length);
      back.forEach((value, i) => {
        expect(typeof value).toBe("bigint");
        expect(value).toBe(values[i]!);
      });
    });

    test("a BigInt within the safe-integer range comes back as a number", async () => {
      expect(await echo(codec, [5n, -(2n ** 40n)])).toEqual([5, -(2 ** 40)]);
    });

    test("BigInts of exactly ±2**53 come back as the numbers ±2**53 (msgpackr's auto boundary is inclusive)", async () => {
      expect(await echo(codec, [2n ** 53n, -(2n ** 53n)])).toEqual([2 ** 53, -(2 ** 53)]);
    });

    test("floats (0.5, -1.25, 1e300, 5e-324, Infinity) come back unchanged", async () => {
      const values = [0.5, -1.25, 1e300, 5e-324, Number.MAX_VALUE, Infinity, -Infinity];
      expect(await echo(codec, values)).toEqual(values);
    });

    test("unicode strings (accents, CJK, emoji, U+10FFFF alone) come back unchanged", async () => {
      const values = ["", "héllo", "日本語", "🐍", "\u{10FFFF}", "mixed é 日 🐍 \u0000 end"];
      expect(await echo(codec, values)).toEqual(values);
    });

    test("strings at every header-length boundary come back unchanged", async () => {
      const values = [31, 32, 255, 256, 65535, 65536].map((length) => "s".repeat(length));
      expect(await echo(codec, values)).toEqual(values);
    });

    test("bytes come back as a Uint8Array with the same content", async () => {
      for (const sent of [new Uint8Array(0), Uint8Array.of(0, 1, 254, 255), bytes(256), bytes(70000)]) {
        const back = await roundTrip(codec, sent);
        expect(back).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(back as Uint8Array).equals(Buffer.from(sent))).toBe(true);
      }
    });

    test("nested maps and arrays come back unchanged", async () => {
      const value = {
        a: [1, "two", null, true, { b: [1.5, -3, { c: { d: [] } }] }],
        "": {},
        日本: [[], [[]], [{ x: -1 }]],
        big: 2n ** 64n - 1n,
      };
      expect(await roundTrip(codec, value)).toEqual(value);
    });

    test("bytes nested inside a map come back as a Uint8Array", async () => {
      const back = (await roundTrip(codec, { data: [Uint8Array.of(9, 8, 7)] })) as { data: Uint8Array[] };
      expect(back.data[0]).toBeInstanceOf(Uint8Array);
      expect(Array.from(back.data[0]!)).toEqual([9, 8, 7]);
    });

    test("arrays past the fix and 16-bit lengths (16 and 65536 items) come back unchanged", async () => {
      const values = [Array.from({ length: 16 }, (_, i) => i), new Array(65536).fill(null)];
      expect(await echo(codec, values)).toEqual(values);
    });

    test("a map of 16 keys (past the fixmap length) comes back unchanged", async () => {
      const map16 = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i]));
      expect(await roundTrip(codec, map16)).toEqual(map16);
    });

    test("a map of 65536 keys (past the 16-bit map length) comes back unchanged", async () => {
      const map32 = Object.fromEntries(Array.from({ length: 65536 }, (_, i) => [`k${i}`, i]));
      expect(await roundTrip(codec, map32)).toEqual(map32);
    });

    test("a 10 MB string comes back unchanged", async () => {
      expect(Buffer.byteLength(TEN_MB_STRING)).toBeGreaterThanOrEqual(10 * 1024 * 1024);
      const back = await roundTrip(codec, { result: TEN_MB_STRING });
      expect((back as { result: string }).result === TEN_MB_STRING).toBe(true);
    });
  });
}

describe("TypeScript frame encoding and decoding", () => {
  test("encodeFrame prefixes the body with its length as 4 big-endian bytes", () => {
    const frame = encodeFrame({ s: "x".repeat(300) });
    expect(new DataView(frame.buffer, frame.byteOffset).getUint32(0)).toBe(frame.length - 4);
  });

  test("encodeFrame packs a JS number beyond 32 bits as float64 (tag 0xcb), so Python sees a float", () => {
    expect(encodeFrame(2 ** 32)[4]).toBe(0xcb);
  });

  test("createFrameDecoder reassembles a frame fed one byte at a time", () => {
    const message = { id: 7, text: "日本語 🐍", data: Uint8Array.of(1, 2, 3), big: 2n ** 63n - 1n };
    const frame = encodeFrame(message);
    const received: unknown[] = [];
    const feed = createFrameDecoder((m) => received.push(m));
    for (let i = 0; i < frame.length - 1; i++) feed(frame.subarray(i, i + 1));
    expect(received).toHaveLength(0);
    feed(frame.subarray(frame.length - 1));
    expect(received).toEqual([message]);
  });

  test("createFrameDecoder delivers every frame of one chunk, in order", () => {
    const messages = [{ n: 1 }, { n: 2, s: "two" }, { nothing: null }, { list: [3] }];
    const frames = messages.map((m) => encodeFrame(m));
    const chunk = new Uint8Array(frames.reduce((size, f) => size + f.length, 0));
    let offset = 0;
    for (const f of frames) {
      chunk.set(f, offset);
      offset += f.length;
    }
    const received: unknown[] = [];
    createFrameDecoder((m) => received.push(m))(chunk);
    expect(received).toEqual(messages);
  });

  test("createFrameDecoder handles chunks that end mid-frame and start the next frame", () => {
    const first = encodeFrame({ n: 1, s: "a".repeat(50) });
    const second = encodeFrame({ n: 2 });
    const all = new Uint8Array([...first, ...second]);
    const received: unknown[] = [];
    const feed = createFrameDecoder((m) => received.push(m));
    feed(all.subarray(0, 2)); // half a header
    feed(all.subarray(2, 30)); // rest of the header, part of the body
    expect(received).toHaveLength(0);
    feed(all.subarray(30, first.length + 3)); // end of the first frame, part of the second header
    expect(received).toEqual([{ n: 1, s: "a".repeat(50) }]);
    feed(all.subarray(first.length + 3));
    expect(received).toEqual([{ n: 1, s: "a".repeat(50) }, { n: 2 }]);
  });

  test("an oversized length header throws FrameError as soon as the header arrives, before any body", () => {
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, MAX_FRAME + 1);
    const feed = createFrameDecoder(() => {
      throw new Error("no message expected");
    });
    expect(() => feed(header)).toThrow(FrameError);
  });

  test("a length header of exactly MAX_FRAME is accepted and waits for the body", () => {
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, MAX_FRAME);
    const received: unknown[] = [];
    const feed = createFrameDecoder((m) => received.push(m));
    expect(() => feed(header)).not.toThrow();
    expect(received).toHaveLength(0);
  });

  test("a body whose value is cut short (uint16 missing a byte) throws FrameError", () => {
    const feed = createFrameDecoder(() => {});
    expect(() => feed(Uint8Array.of(0, 0, 0, 2, 0xcd, 0x01))).toThrow(FrameError);
  });

  test("a body with bytes after its value throws FrameError", () => {
    const feed = createFrameDecoder(() => {});
    expect(() => feed(Uint8Array.of(0, 0, 0, 2, 0xc0, 0xc0))).toThrow(FrameError);
  });

  test("a body holding a value that is not a map throws FrameError", () => {
    expect(() => createFrameDecoder(() => {})(Uint8Array.of(0, 0, 0, 2, 0x91, 0x01))).toThrow("not hold a map");
    expect(() => createFrameDecoder(() => {})(Uint8Array.of(0, 0, 0, 1, 0xc0))).toThrow("not hold a map");
  });

  test("a body holding the never-used tag 0xc1 throws FrameError", () => {
    const feed = createFrameDecoder(() => {});
    expect(() => feed(Uint8Array.of(0, 0, 0, 1, 0xc1))).toThrow(FrameError);
  });

  test("the decoder keeps working after a frame whose body is undecodable", () => {
    const received: unknown[] = [];
    const feed = createFrameDecoder((m) => received.push(m));
    expect(() => feed(Uint8Array.of(0, 0, 0, 2, 0xc0, 0xc0))).toThrow(FrameError);
    feed(encodeFrame({ after: true }));
    expect(received).toEqual([{ after: true }]);
  });

  test("encodeFrame of a string of MAX_FRAME+1 chars throws FrameError", () => {
    expect(() => encodeFrame("x".repeat(MAX_FRAME + 1))).toThrow(FrameError);
  });
});

describe("results as JSON text", () => {
  test("the sidecar sends a result as JSON text, which the connection parses back to the same map", async () => {
    const result = { routes: [{ pattern: "café/<int:pk>/", name: "日本語 🐍", line: 2 ** 53 - 1, score: -0.5, methods: [] }], empty: {}, none: null };
    const [answer] = await answersTo([result]);
    expect(typeof answer?.[RESULT_JSON_KEY]).toBe("string");
    expect(answerResult(answer as Record<string, unknown>)).toEqual(result);
  });

  test("a result JSON can't carry (a NaN) comes as MessagePack and is used as it is", async () => {
    const [answer] = await answersTo([{ value: Number.NaN }]);
    expect(answer?.[RESULT_JSON_KEY]).toBeUndefined();
    expect(answerResult(answer as Record<string, unknown>)).toEqual({ value: Number.NaN });
  });

  test("a 10 MB string in a result comes through JSON text unchanged", async () => {
    const [answer] = await answersTo([{ stdout: TEN_MB_STRING }]);
    const result = answerResult(answer as Record<string, unknown>) as { stdout: string };
    expect(result.stdout === TEN_MB_STRING).toBe(true);
  });

  test("JSON text that does not parse is a protocol error", () => {
    expect(answerResult({ [RESULT_JSON_KEY]: "{not json" })).toBeInstanceOf(SidecarProtocolError);
  });

  test("JSON text that is not an object is a protocol error", () => {
    expect(answerResult({ [RESULT_JSON_KEY]: "[1, 2]" })).toBeInstanceOf(SidecarProtocolError);
  });

  test("an answer with neither JSON text nor a result is a protocol error", () => {
    expect(answerResult({})).toBeInstanceOf(SidecarProtocolError);
  });
});
