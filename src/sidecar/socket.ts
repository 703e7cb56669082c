import type { Socket } from "bun";

/** A byte stream to the sidecar's Unix socket. */
export interface SidecarSocket {
  /** Sends `bytes` after everything sent before, whatever the kernel takes now. */
  write(bytes: Uint8Array): void;
  close(): void;
  readonly closed: boolean;
}

export interface SocketHandlers {
  data(chunk: Uint8Array): void;
  /** Once, when the socket is closed from either side; with the error that closed it, if one did. */
  close(error?: Error): void;
}

/**
 * Connects with Bun's own sockets: their callbacks are called straight from the event loop, where
 * node:net's run every chunk through Node's stream machinery, a cost each call pays twice.
 */
export async function openSidecarSocket(path: string, handlers: SocketHandlers): Promise<SidecarSocket> {
  // What the kernel did not take yet, in order: written on `drain`.
  const queued: Uint8Array[] = [];
  let closed = false;

  const flush = (socket: Socket) => {
    while (queued.length > 0) {
      const head = queued[0] as Uint8Array;
      const written = socket.write(head);
      if (written < 0) return;
      if (written < head.length) {
        queued[0] = head.subarray(written);
        return;
      }
      queued.shift();
    }
  };

  let opened = false;
  const socket = await Bun.connect({
    unix: path,
    socket: {
      open: () => {
        opened = true;
      },
      data: (_socket, chunk) => handlers.data(chunk),
      drain: flush,
      // Only for a socket that opened: a failed attempt is the caller's to retry.
      close: (_socket, error) => {
        if (!opened) return;
        closed = true;
        queued.length = 0;
        handlers.close(error);
      },
    },
  });

  return {
    write(bytes) {
      if (closed) return;
      queued.push(bytes);
      if (queued.length === 1) flush(socket);
    },
    close() {
      // At once, as a broken frame or a stop asks: what is queued is dropped, nothing more is sent.
      queued.length = 0;
      if (!closed) socket.terminate();
      closed = true;
    },
    get closed() {
      return closed;
    },
  };
}
