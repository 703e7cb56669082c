import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Defer } from "./cleanup.ts";
import { type Connected, connect } from "./client.ts";
import { EXAMPLE, VENV_PYTHON } from "./paths.ts";
import { until } from "./wait.ts";

export interface DevServer {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  /** The private runtime directory both the dev server and the CLI are pointed at. */
  runtimeDir: string;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/** Polls `check` until it holds; fails naming `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  await until(what, check, ms);
}

/** The example project's (or a copy's, in `cwd`) real `runserver` (with the autoreloader), listening for MCP servers. */
export async function startDevServer(runtimeDir = mkdtempSync(join(tmpdir(), "mcp-django-rt-")), cwd = EXAMPLE): Promise<DevServer> {
  const port = freePort();
  const proc = Bun.spawn([VENV_PYTHON, "manage.py", "runserver", `127.0.0.1:${port}`], {
    cwd,
    env: { ...process.env, MCP_DJANGO_RUNTIME_DIR: runtimeDir, PYTHONUNBUFFERED: "1" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  let output = "";
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      for await (const chunk of stream) output += new TextDecoder().decode(chunk);
    })();
  }
  const url = `http://127.0.0.1:${port}`;
  await waitFor("the dev server", async () => {
    const registered = existsSync(runtimeDir) && readdirSync(runtimeDir).some((name) => name.endsWith(".json"));
    return (
      registered &&
      (await fetch(`${url}/health/`).then(
        (r) => r.ok,
        () => false,
      ))
    );
  });
  return {
    proc,
    url,
    runtimeDir,
    output: () => output,
    async stop() {
      // The autoreloader and its child: the whole process group, as Ctrl-C would. Stopping a
      // stopped dev server again (a test's cleanup after the test stopped it) does nothing.
      try {
        process.kill(-proc.pid, "SIGINT");
      } catch {
        // The group is gone already.
      }
      await proc.exited;
      // A dev server started again on this directory makes it anew.
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}

/** The example's dev server and the CLI attached to it, each stopped by `defer` (after the test, or after them all). */
export async function attachToDevServer(defer: Defer): Promise<{ devServer: DevServer; server: Connected }> {
  const devServer = await startDevServer();
  defer(() => devServer.stop());
  const server = await connect({ env: { MCP_DJANGO_RUNTIME_DIR: devServer.runtimeDir } });
  defer(() => server.close());
  return { devServer, server };
}
