/** One newline-terminated line of a stream: its text, or only its size and edges when it was over the limit. */
export type Line = { kind: "text"; text: string } | { kind: "oversized"; bytes: number; head: string; tail: string };

/** How much of each end of an oversized line is kept: enough to find a JSON-RPC id there. */
const EDGE_BYTES = 1024;
const NEWLINE = 0x0a;

/** The last EDGE_BYTES of `kept` followed by `piece`, copied so that a large chunk is not retained. */
function lastBytes(kept: Buffer, piece: Buffer): Buffer {
  if (piece.length >= EDGE_BYTES) return Buffer.from(piece.subarray(piece.length - EDGE_BYTES));
  return Buffer.from(Buffer.concat([kept, piece]).subarray(-EDGE_BYTES));
}

/**
 * Splits a byte stream into lines of at most `limit` bytes. A longer line is dropped while it
 * streams in (only its size and first and last bytes are kept), so memory stays bounded by the
 * limit whatever a client sends.
 */
export class BoundedLines {
  #parts: Buffer[] = [];
  #size = 0;
  /** Set while the current line is over the limit. */
  #over: { bytes: number; head: Buffer; tail: Buffer } | undefined;

  constructor(readonly limit: number) {}

  /** Takes the next chunk of the stream; returns the lines it completed, in order. */
  push(chunk: Buffer): Line[] {
    const lines: Line[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      this.#take(chunk.subarray(start, end === -1 ? chunk.length : end));
      if (end === -1) return lines;
      lines.push(this.#finish());
      start = end + 1;
    }
  }

  #take(piece: Buffer): void {
    if (this.#over) {
      this.#over.bytes += piece.length;
      this.#over.tail = lastBytes(this.#over.tail, piece);
    } else if (this.#size + piece.length <= this.limit) {
      this.#parts.push(piece);
      this.#size += piece.length;
    } else {
      const held = [...this.#parts, piece];
      const bytes = this.#size + piece.length;
      this.#over = { bytes, head: Buffer.concat(held, Math.min(EDGE_BYTES, bytes)), tail: held.reduce(lastBytes, Buffer.alloc(0)) };
      this.#parts = [];
      this.#size = 0;
    }
  }

  #finish(): Line {
    const over = this.#over;
    const line = Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    this.#over = undefined;
    if (over) return { kind: "oversized", bytes: over.bytes, head: over.head.toString("utf8"), tail: over.tail.toString("utf8") };
    const text = line.toString("utf8");
    return { kind: "text", text: text.endsWith("\r") ? text.slice(0, -1) : text };
  }
}
