/** The byte stream to the sidecar (src/sidecar/socket.ts), against a real Unix socket server. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TCPSocketListener, UnixSocketListener } from "bun";
import { openSidecarSocket } from "../../src/sidecar/socket.ts";
import { until } from "../support/wait.ts";

let folder: string;
let path: string;
let server: UnixSocketListener<undefined> | TCPSocketListener<undefined> | undefined;
/** What the server received, per connection. */
let received: Uint8Array[];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "mcp-django-socket-"));
  path = join(folder, "s.sock");
  received = [];
});

afterEach(() => {
  server?.stop(true);
  server = undefined;
  rmSync(folder, { recursive: true, force: true });
});

function listen(): void {
  server = Bun.listen({
    unix: path,
    socket: {
      data(_socket, chunk) {
        received.push(new Uint8Array(chunk));
      },
    },
  });
}

const total = () => received.reduce((sum, chunk) => sum + chunk.length, 0);

test("a write larger than the kernel takes at once arrives whole and in order, after the ones before it", async () => {
  listen();
  const socket = await openSidecarSocket(path, { data() {}, close() {} });
  const big = new Uint8Array(16 * 1024 * 1024).map((_, index) => index % 251);
  socket.write(Uint8Array.of(1, 2, 3));
  socket.write(big);
  socket.write(Uint8Array.of(4, 5));
  await until("all the bytes to arrive", () => total() === big.length + 5, 10_000);
  const all = new Uint8Array(total());
  let offset = 0;
  for (const chunk of received) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  expect(all.subarray(0, 3)).toEqual(Uint8Array.of(1, 2, 3));
  expect(all.subarray(3, 3 + big.length)).toEqual(big);
  expect(all.subarray(3 + big.length)).toEqual(Uint8Array.of(4, 5));
  socket.close();
});

test("connecting where nothing listens fails with the system's code, and calls no close handler", async () => {
  let closes = 0;
  const error = await openSidecarSocket(path, { data() {}, close: () => closes++ }).catch((caught: NodeJS.ErrnoException) => caught);
  expect((error as NodeJS.ErrnoException).code).toBe("ENOENT");
  await Bun.sleep(20);
  expect(closes).toBe(0);
});

test("close() sends nothing more, and the close handler runs once", async () => {
  listen();
  let closes = 0;
  const socket = await openSidecarSocket(path, { data() {}, close: () => closes++ });
  socket.close();
  expect(socket.closed).toBe(true);
  socket.write(Uint8Array.of(9));
  await until("the close handler", () => closes === 1, 5_000);
  await Bun.sleep(20);
  expect(closes).toBe(1);
  expect(total()).toBe(0);
});

test("the server going away runs the close handler", async () => {
  listen();
  let closed = false;
  await openSidecarSocket(path, { data() {}, close: () => (closed = true) });
  server?.stop(true);
  await until("the close handler", () => closed, 5_000);
  expect(closed).toBe(true);
});
