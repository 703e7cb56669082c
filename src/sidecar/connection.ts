import { type CancelReason, PROTOCOL_VERSION, RESULT_JSON_KEY } from "../contract/constants.ts";
import { FrameError, NotFoundError, ProjectError, SidecarLostError, SidecarProtocolError, SidecarStartError, StateMissingError } from "../errors.ts";
import { log } from "../log.ts";
import { createFrameDecoder, encodeFrame } from "./framing.ts";
import { type Hello, helloSchema, incomingSchema, type ReadOnlyRequest, type SidecarEvent, type WireError } from "./protocol.ts";
import { openSidecarSocket, type SidecarSocket, type SocketHandlers } from "./socket.ts";

export interface PendingRequest {
  id: string;
  result: Promise<Record<string, unknown>>;
}

export interface SidecarConnection {
  hello: Hello;
  request(op: string, args: Record<string, unknown>, onEvent?: (event: SidecarEvent) => void): PendingRequest;
  cancel(id: string, reason: CancelReason): void;
  close(): void;
  /** Resolves when the socket is closed, from either side. */
  closed: Promise<void>;
}

interface Waiter {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
  onEvent?: (event: SidecarEvent) => void;
}

/** A failed request as the domain error its kind stands for. */
function errorFromWire({ kind, message, exc_type, traceback }: WireError): Error {
  switch (kind) {
    case "not_found":
      return new NotFoundError(message);
    case "state_missing":
      return new StateMissingError(message);
    case "setup_failed":
    case "failed":
      return new ProjectError(kind, message, exc_type ?? undefined, traceback);
    default:
      return new SidecarProtocolError(`the sidecar refused the request (${kind}): ${message}`);
  }
}

/** A successful answer's result: parsed from its JSON text, or as MessagePack gave it; an error when it has neither, or its JSON is no object. */
export function answerResult(answer: { [RESULT_JSON_KEY]?: string; result?: Record<string, unknown> }): Record<string, unknown> | Error {
  const text = answer[RESULT_JSON_KEY];
  if (text === undefined) return answer.result ?? new SidecarProtocolError("the sidecar answered without a result");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return new SidecarProtocolError(`the sidecar's result is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return new SidecarProtocolError("the sidecar's result is not a JSON object");
  return parsed as Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connect, retrying while the sidecar is still binding its socket. */
async function openWhenListening(path: string, handlers: SocketHandlers, gaveUp: () => string | undefined): Promise<SidecarSocket> {
  for (;;) {
    try {
      return await openSidecarSocket(path, handlers);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ECONNREFUSED") throw error;
      const reason = gaveUp();
      if (reason) throw new SidecarStartError(reason);
      await sleep(5);
    }
  }
}

/**
 * Connects to a sidecar's socket and exchanges hellos. `gaveUp` is polled while waiting and
 * returns a reason once waiting is pointless (the process exited, or too long passed).
 */
export interface Credentials {
  /** The secret the sidecar was given (spawned) or published (dev server, manage.py mcp). */
  secret: string;
  /** This MCP server's id: the sidecar frees what it holds for us when we go. */
  client: string;
  /** Read-only mode, asked for in the hello (the sidecar decides "auto" and answers what is in force). */
  read_only?: ReadOnlyRequest;
}

export async function connectSidecar(
  path: string,
  credentials: Credentials,
  gaveUp: () => string | undefined,
  abandoned: Promise<string>,
): Promise<SidecarConnection> {
  const waiters = new Map<string, Waiter>();
  let nextId = 1;
  let closedReason = "the Python sidecar closed the connection";
  let onHello: ((message: unknown) => void) | undefined;

  const dispatch = (message: unknown) => {
    if (onHello) return onHello(message);
    const parsed = incomingSchema.safeParse(message);
    if (!parsed.success) {
      log.warn(`ignoring a malformed message from the sidecar: ${parsed.error.message}`);
      return;
    }
    const incoming = parsed.data;
    const waiter = waiters.get(incoming.id);
    if (!waiter) return;
    if (incoming.type === "ev") return waiter.onEvent?.(incoming);
    waiters.delete(incoming.id);
    if (!incoming.ok) return waiter.reject(errorFromWire(incoming.error));
    const result = answerResult(incoming);
    if (result instanceof Error) waiter.reject(result);
    else waiter.resolve(result);
  };

  const feed = createFrameDecoder(dispatch);
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const socket: SidecarSocket = await openWhenListening(
    path,
    {
      data(chunk) {
        try {
          feed(chunk);
        } catch (error) {
          closedReason = `the sidecar connection broke: ${(error as Error).message}`;
          socket.close();
        }
      },
      close(error) {
        if (error) closedReason = `the sidecar connection failed: ${error.message}`;
        for (const waiter of waiters.values()) waiter.reject(new SidecarLostError(closedReason));
        waiters.clear();
        markClosed();
      },
    },
    gaveUp,
  );

  const send = (message: unknown) => {
    if (!socket.closed) socket.write(encodeFrame(message));
  };

  const helloMessage = new Promise<unknown>((resolve) => {
    onHello = resolve;
  });
  send({ type: "hello", protocol: PROTOCOL_VERSION, ...credentials });
  const first = await Promise.race([
    helloMessage,
    closed.then(() => Promise.reject(new SidecarStartError(closedReason))),
    abandoned.then((reason) => Promise.reject(new SidecarStartError(reason))),
  ]).catch((error: Error) => {
    socket.close();
    throw error;
  });
  onHello = undefined;
  const hello = helloSchema.safeParse(first);
  if (!hello.success || hello.data.protocol !== PROTOCOL_VERSION || hello.data.error) {
    socket.close();
    const detail = hello.success ? (hello.data.error ?? `protocol ${hello.data.protocol}`) : hello.error.message;
    throw new SidecarStartError(`the sidecar's hello was not understood (${detail})`, true);
  }

  return {
    hello: hello.data,
    closed,
    request(op, args, onEvent) {
      const id = String(nextId++);
      const result = new Promise<Record<string, unknown>>((resolve, reject) => {
        if (socket.closed) return reject(new SidecarLostError(closedReason));
        waiters.set(id, { resolve, reject, onEvent });
        try {
          send({ type: "req", id, op, args });
        } catch (error) {
          waiters.delete(id);
          reject(error instanceof FrameError ? error : new FrameError(String(error)));
        }
      });
      return { id, result };
    },
    cancel(id, reason) {
      if (waiters.has(id)) send({ type: "cancel", id, reason });
    },
    close() {
      closedReason = "the connection to the sidecar was closed";
      socket.close();
    },
  };
}
