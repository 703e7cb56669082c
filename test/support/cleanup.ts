import { afterAll, afterEach } from "bun:test";

export type Defer = (cleanup: () => unknown) => void;

async function drain(pending: (() => unknown)[]): Promise<void> {
  while (pending.length) {
    try {
      await pending.pop()!();
    } catch (error) {
      console.error(`cleanup failed: ${(error as Error).message ?? error}`);
    }
  }
}

/**
 * Registers, in the calling scope, an afterEach that runs the cleanups a test deferred (last
 * first), whether the test passed or failed: a failed assertion never leaks a process.
 */
export function cleanupAfterEach(): Defer {
  const pending: (() => unknown)[] = [];
  afterEach(() => drain(pending));
  return (cleanup) => void pending.push(cleanup);
}

/** The same for cleanups registered in a beforeAll: they run in afterAll. */
export function cleanupAfterAll(): Defer {
  const pending: (() => unknown)[] = [];
  afterAll(() => drain(pending));
  return (cleanup) => void pending.push(cleanup);
}
