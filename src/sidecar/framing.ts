// The subpaths, not "msgpackr": its main entry loads a native addon (msgpackr-extract) to decode
// many short strings faster. Large results come as JSON text, one string: it would save nothing
// here, and it costs the Bun process about 2 MB.
import { Packr } from "msgpackr/pack";
import { type Options, Unpackr } from "msgpackr/unpack";
import { FrameError } from "../errors.ts";

/** Same limit as the Python side: big enough for a 10 MB string, checked before buffering. */
export const MAX_FRAME = 64 * 1024 * 1024;

// useRecords: false — msgpackr's record extension is unreadable in Python.
// variableMapSize: msgpackr's fast path cannot write maps of more than 65535 keys.
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, variableMapSize: true });
const unpackOptions: Options = { useRecords: false, mapsAsObjects: true };
// int64AsType "auto": numbers while they are safe integers, BigInt beyond. msgpackr supports it
// at run time; its typings lag behind.
Object.assign(unpackOptions, { int64AsType: "auto" });
const unpackr = new Unpackr(unpackOptions);

/** One frame: a 4-byte big-endian length, then the MessagePack body. */
export function encodeFrame(message: unknown): Uint8Array {
  const body = packr.pack(message);
  if (body.length > MAX_FRAME) {
    throw new FrameError(`frame of ${body.length} bytes exceeds the ${MAX_FRAME}-byte limit`);
  }
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, 4);
  return frame;
}

/** A frame's body: one MessagePack map, as on the Python side. */
export function decodeBody(body: Uint8Array): Record<string, unknown> {
  let message: unknown;
  try {
    message = unpackr.unpack(body);
  } catch (error) {
    throw new FrameError(`undecodable frame: ${(error as Error).message}`);
  }
  // A plain object only: msgpackr turns the reserved tag 0xc1 into an object of its own class.
  if (message === null || typeof message !== "object" || Object.getPrototypeOf(message) !== Object.prototype) {
    throw new FrameError("frame does not hold a map");
  }
  return message as Record<string, unknown>;
}

/**
 * Returns a function to feed socket chunks to; it calls `onMessage` for each complete frame and
 * throws FrameError for an oversized one.
 */
export function createFrameDecoder(onMessage: (message: Record<string, unknown>) => void): (chunk: Uint8Array) => void {
  let pending: Uint8Array[] = [];
  let buffered = 0;
  let expected = -1;

  const take = (size: number): Uint8Array => {
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      // take() is only called with `size` bytes buffered.
      const head = pending[0] as Uint8Array;
      const used = Math.min(head.length, size - filled);
      out.set(head.subarray(0, used), filled);
      filled += used;
      if (used === head.length) pending.shift();
      else pending[0] = head.subarray(used);
    }
    buffered -= size;
    return out;
  };

  return (chunk) => {
    pending.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (expected < 0) {
        if (buffered < 4) return;
        const header = take(4);
        expected = new DataView(header.buffer).getUint32(0);
        if (expected > MAX_FRAME) {
          pending = [];
          buffered = 0;
          throw new FrameError(`frame of ${expected} bytes exceeds the ${MAX_FRAME}-byte limit`);
        }
      }
      if (buffered < expected) return;
      const body = take(expected);
      expected = -1;
      onMessage(decodeBody(body));
    }
  };
}
