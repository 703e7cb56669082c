import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { VERSION } from "../src/version.ts";
import { cleanupAfterEach } from "./support/cleanup.ts";
import { cliEnv, connect, shell, textOf } from "./support/client.ts";
import { python39 } from "./support/old-python.ts";
import { BUN, CLI, EXAMPLE, VENV_PYTHON } from "./support/paths.ts";
import { until } from "./support/wait.ts";

/** The CLI processes and clients a test starts are stopped after it, pass or fail. */
const defer = cleanupAfterEach();

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "mcp-django-startup-"));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the CLI with stdin held open, as a client would, and returns how it ended. */
async function runUntilExit(args: string[], cwd: string, env = cliEnv()): Promise<{ code: number | null; stderr: string }> {
  const proc = Bun.spawn([BUN, CLI, ...args], { cwd, env, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  defer(() => proc.kill());
  const timer = setTimeout(() => proc.kill(), 15_000); // a CLI that should have exited but hangs fails, not stalls
  try {
    const code = await proc.exited;
    return { code, stderr: await new Response(proc.stderr).text() };
  } finally {
    clearTimeout(timer);
  }
}

function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("mcp-django: "));
}

/** A minimal project whose settings module is `brokensite.settings`, with the given source. */
function projectWithSettings(name: string, settingsSource: string): string {
  const root = join(scratch, name);
  mkdirSync(join(root, "brokensite"), { recursive: true });
  writeFileSync(join(root, "manage.py"), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "brokensite.settings")\n');
  writeFileSync(join(root, "brokensite", "__init__.py"), "");
  writeFileSync(join(root, "brokensite", "settings.py"), settingsSource);
  return root;
}

/** Settings that hang in django.setup(), after creating `marker`: it exists once the hang has begun. */
function hangingSettings(marker: string): string {
  return `open(${JSON.stringify(marker)}, "w").close()\nimport time\ntime.sleep(60)\n`;
}

describe("start-up errors", () => {
  test("no settings module anywhere: exit 1 with one line saying what to pass", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    const { code, stderr } = await runUntilExit(["--python", VENV_PYTHON], empty);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(errorLines(stderr)[0]).toContain("--settings");
  });

  test("--python pointing nowhere: exit 1 with one line naming the path", async () => {
    const { code, stderr } = await runUntilExit(["--python", "/nowhere/bin/python"], EXAMPLE);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([expect.stringContaining("/nowhere/bin/python")]);
  });

  test("Django missing from the interpreter: exit 1 with one line saying so", async () => {
    const bare = join(scratch, "bare-venv");
    Bun.spawnSync(["python3", "-m", "venv", "--without-pip", bare]);
    const { code, stderr } = await runUntilExit(["--python", join(bare, "bin", "python")], EXAMPLE);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([expect.stringContaining("Django is not installed")]);
  });

  test("a bad --port: exit 1 with one line", async () => {
    const { code, stderr } = await runUntilExit(["--python", VENV_PYTHON, "--port", "http"], EXAMPLE);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([expect.stringContaining("--port")]);
  });

  test("a Python older than 3.10: exit 1 with one line naming it, its version and what is supported", async () => {
    const { code, stderr } = await runUntilExit(["--python", python39(scratch)], EXAMPLE);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([expect.stringMatching(/python3?\.?9?\S* is Python 3\.9\.\d+; mcp-django needs Python 3\.10 or newer/)]);
  });

  test("a settings module that can't be found: exit 1 with one line naming it", async () => {
    const { code, stderr } = await runUntilExit(["--python", VENV_PYTHON, "--settings", "nosuch.settings"], EXAMPLE);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(errorLines(stderr)[0]).toContain("No module named 'nosuch'");
    expect(errorLines(stderr)[0]).toContain("--settings");
  });

  test("an invalid settings module name: exit 1 with one line", async () => {
    const { code, stderr } = await runUntilExit(["--python", VENV_PYTHON, "--settings", "my-site/settings.py"], EXAMPLE);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([expect.stringContaining("not a Python module path")]);
  });
});

describe("a settings module that raises on import", () => {
  test("the first call returns the project's traceback as a tool error", async () => {
    const root = projectWithSettings("raising", 'raise RuntimeError("settings exploded")\n');
    const server = await connect({ cwd: root });
    defer(() => server.close());
    const result = (await server.client.callTool({ name: "shell", arguments: { code: "1" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("RuntimeError");
    expect(textOf(result)).toContain("settings exploded");
    expect(textOf(result)).toContain("brokensite/settings.py");
  });

  test("once the settings are fixed, the next call works without restarting the server", async () => {
    const root = projectWithSettings("fixed-later", 'raise RuntimeError("not yet")\n');
    const server = await connect({ cwd: root });
    defer(() => server.close());
    const failed = (await server.client.callTool({ name: "shell", arguments: { code: "1" } })) as CallToolResult;
    expect(failed.isError).toBe(true);
    writeFileSync(join(root, "brokensite", "settings.py"), 'SECRET_KEY = "x"\nINSTALLED_APPS = []\n');
    const result = await shell(server.client, "from django.conf import settings\nsettings.SECRET_KEY");
    expect(result.output.value).toBe("'x'");
  });
});

describe("a project that hangs", () => {
  test("a call waiting for a sidecar that is still starting can be cancelled", async () => {
    const hanging = join(scratch, "slow-setup-started");
    const root = projectWithSettings("slow-setup", hangingSettings(hanging));
    const server = await connect({ cwd: root });
    defer(() => server.close());
    const controller = new AbortController();
    const call = server.client.callTool({ name: "shell", arguments: { code: "1" } }, undefined, { signal: controller.signal });
    await until("django.setup() to hang", () => existsSync(hanging));
    controller.abort("not waiting");
    await expect(call).rejects.toThrow();
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test("closing the client ends the server even while django.setup() hangs", async () => {
    const hanging = join(scratch, "hanging-setup-started");
    const root = projectWithSettings("hanging-setup", hangingSettings(hanging));
    const proc = Bun.spawn([BUN, CLI, "--python", VENV_PYTHON], { cwd: root, env: cliEnv(), stdin: "pipe", stdout: "ignore", stderr: "ignore" });
    defer(() => proc.kill("SIGKILL"));
    await until("django.setup() to hang", () => existsSync(hanging));
    const started = performance.now();
    proc.stdin.end();
    await proc.exited;
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test("list_routes on a URLconf that hangs at import can be cancelled, and the shell still answers", async () => {
    const root = projectWithSettings("hanging-urls", 'SECRET_KEY = "x"\nINSTALLED_APPS = []\nROOT_URLCONF = "brokensite.urls"\n');
    const importing = join(scratch, "hanging-urls-started");
    writeFileSync(join(root, "brokensite", "urls.py"), `open(${JSON.stringify(importing)}, "w").close()\nimport time\ntime.sleep(1000)\nurlpatterns = []\n`);
    const server = await connect({ cwd: root });
    defer(() => server.close());
    const controller = new AbortController();
    const call = server.client.callTool({ name: "list_routes", arguments: {} }, undefined, { signal: controller.signal });
    await until("the URLconf import to hang", () => existsSync(importing));
    controller.abort("taking too long");
    await expect(call).rejects.toThrow();
    const started = performance.now();
    expect((await shell(server.client, "1 + 1")).output.value).toBe("2");
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe("--help and --version", () => {
  test("--version prints the package version", async () => {
    const proc = Bun.spawn([BUN, CLI, "--version"], { cwd: EXAMPLE, stdout: "pipe" });
    defer(() => proc.kill());
    expect(await proc.exited).toBe(0);
    expect((await new Response(proc.stdout).text()).trim()).toBe(VERSION);
  });

  test("--help lists every flag and the commands", async () => {
    const proc = Bun.spawn([BUN, CLI, "--help"], { cwd: EXAMPLE, stdout: "pipe" });
    defer(() => proc.kill());
    expect(await proc.exited).toBe(0);
    const help = await new Response(proc.stdout).text();
    for (const flag of ["--project", "--settings", "--pythonpath", "--python", "--debug", "--transport", "--host", "--port", "--path", "--attach"]) {
      expect(help).toContain(flag);
    }
    for (const command of ["serve", "install", "doctor"]) expect(help).toContain(command);
  });

  test("--help piped has no colour codes and no internal flags", async () => {
    const proc = Bun.spawn([BUN, CLI, "--help"], { cwd: EXAMPLE, stdout: "pipe", env: { PATH: process.env.PATH ?? "" } });
    defer(() => proc.kill());
    const help = await new Response(proc.stdout).text();
    expect(help).not.toContain("\u001b[");
    expect(help).not.toContain("--sidecar");
    expect(help).not.toMatch(/ +$/m);
  });
});

describe("naming the project", () => {
  test("--project serves that project from any working directory", async () => {
    const { client, close } = await connect({ cwd: scratch, args: ["--project", EXAMPLE] });
    defer(close);
    expect((await shell(client, "from django.conf import settings\nsettings.ROOT_URLCONF")).output.value).toBe("'bookshop.urls'");
  });

  test("MCP_DJANGO_PROJECT names it too", async () => {
    const { client, close } = await connect({ cwd: scratch, env: { MCP_DJANGO_PROJECT: EXAMPLE } });
    defer(close);
    expect((await shell(client, "from django.conf import settings\nsettings.ROOT_URLCONF")).output.value).toBe("'bookshop.urls'");
  });

  test("a repository whose manage.py is one folder down is found from its root", async () => {
    const repo = join(scratch, "repo");
    projectWithSettings(join("repo", "backend"), 'SECRET_KEY = "x"\nINSTALLED_APPS = []\n');
    const { client, close } = await connect({ cwd: repo });
    defer(close);
    expect((await shell(client, "import os\nos.getcwd()")).output.value).toBe(`'${join(repo, "backend")}'`);
  });

  test("--project pointing nowhere: exit 1 with one line naming it", async () => {
    const { code, stderr } = await runUntilExit(["--python", VENV_PYTHON, "--project", join(scratch, "nowhere")], scratch);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([expect.stringContaining("--project")]);
  });
});

test("a TMPDIR too long for a socket path still gets working calls", async () => {
  const long = join(scratch, "t".repeat(60), "m".repeat(60));
  mkdirSync(long, { recursive: true });
  const { client, close } = await connect({ env: { TMPDIR: long } });
  defer(close);
  expect((await shell(client, "2 + 2")).output.value).toBe("4");
});
