import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Waits for a condition instead of sleeping a fixed time: polls `check` until it returns something
 * truthy and resolves to that value; fails naming `what` after `ms`. A check that throws is retried.
 */
export async function until<T>(what: string, check: () => T | Promise<T>, ms = 15_000, everyMs = 25): Promise<Exclude<NonNullable<T>, false | 0 | "">> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<NonNullable<T>, false | 0 | "">;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError ? `: ${(lastError as Error).message ?? lastError}` : "";
      throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`);
    }
    await Bun.sleep(everyMs);
  }
}

/**
 * Files that code under test creates once it has really started, so a test can wait for that
 * instead of sleeping: `next()` names a new one (as a Python string literal too), `dispose()` removes them all.
 */
export function startMarkers(): { next(): { path: string; touch: string }; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "mcp-django-markers-"));
  let count = 0;
  return {
    next() {
      const path = join(dir, `started-${++count}`);
      return { path, touch: `open(${JSON.stringify(path)}, "w").close()` };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
