import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckResult } from "../../src/doctor/types.ts";
import { projectKey } from "../../src/sidecar/devserver.ts";
import { cleanupAfterAll, cleanupAfterEach } from "../support/cleanup.ts";
import { cliEnv } from "../support/client.ts";
import { copyExample, type ExampleCopy } from "../support/example-copy.ts";
import { python39 } from "../support/old-python.ts";
import { BUN, CLI, VENV_PYTHON } from "../support/paths.ts";

/** End to end: `mcp-django doctor` as a person runs it, on a copy of the example project. */

const defer = cleanupAfterEach();
const deferAll = cleanupAfterAll();

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "mcp-django-doctor-cli-"));
  deferAll(() => rmSync(scratch, { recursive: true, force: true }));
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A home of the test's own: the MCP clients of whoever runs the tests are not looked at. */
function home(): string {
  return mkdtempSync(join(scratch, "home-"));
}

async function doctor(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const proc = Bun.spawn([BUN, CLI, "doctor", ...args], { env: cliEnv({ HOME: home(), ...env }), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  defer(() => proc.kill());
  const timer = setTimeout(() => proc.kill(), 50_000); // a doctor that hangs fails the test, never stalls it
  try {
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

function example(): ExampleCopy {
  const copy = copyExample();
  defer(() => copy.remove());
  return copy;
}

/** The line of the check `name` in the text output. */
function line(run: Run, name: string): string {
  const found = run.stdout.split("\n").find((text) => new RegExp(`^\\w+ +${name} `).test(text));
  if (!found) throw new Error(`no ${name} line in:\n${run.stdout}${run.stderr}`);
  return found;
}

function checks(run: Run): CheckResult[] {
  return (JSON.parse(run.stdout) as { checks: CheckResult[] }).checks;
}

describe("mcp-django doctor on the MCP clients", () => {
  test("a client that install configured for this project passes its check", async () => {
    const copy = example();
    const user = home();
    const installed = Bun.spawnSync([BUN, CLI, "install", "--client", "cursor", "--project", copy.root, "--python", VENV_PYTHON], {
      env: cliEnv({ HOME: user }),
    });
    expect(installed.exitCode).toBe(0);
    const run = await doctor(["--project", copy.root, "--python", VENV_PYTHON], { HOME: user });
    expect(line(run, "client cursor")).toStartWith("ok");
    expect(run.code).toBe(0);
  });

  test("a client found without our entry is a warning that says to run install, and passes", async () => {
    const copy = example();
    const user = home();
    mkdirSync(join(user, ".cursor"));
    const run = await doctor(["--project", copy.root, "--python", VENV_PYTHON], { HOME: user });
    expect(line(run, "client cursor")).toStartWith("warn");
    expect(line(run, "client cursor")).toContain("mcp-django install --client cursor");
    expect(run.code).toBe(0);
  });

  test("a project's client entry that serves another project fails, saying to run install", async () => {
    const copy = example();
    mkdirSync(join(copy.root, ".cursor"));
    const entry = { command: VENV_PYTHON, args: ["--project", join(scratch, "elsewhere")] };
    writeFileSync(join(copy.root, ".cursor", "mcp.json"), JSON.stringify({ mcpServers: { django: entry } }));
    const run = await doctor(["--project", copy.root, "--python", VENV_PYTHON]);
    expect(line(run, "client cursor")).toStartWith("fail");
    expect(line(run, "client cursor")).toContain("not this project");
    expect(run.code).toBe(1);
  });

  test("a client entry whose command is gone fails", async () => {
    const copy = example();
    mkdirSync(join(copy.root, ".cursor"));
    const entry = { command: join(scratch, "no-such-node"), args: ["--project", copy.root] };
    writeFileSync(join(copy.root, ".cursor", "mcp.json"), JSON.stringify({ mcpServers: { django: entry } }));
    const run = await doctor(["--project", copy.root, "--python", VENV_PYTHON]);
    expect(line(run, "client cursor")).toContain("which is not there");
    expect(run.code).toBe(1);
  });
});

describe("mcp-django doctor", () => {
  test("a healthy project passes every check, with exit status 0", async () => {
    const run = await doctor(["--project", example().root, "--python", VENV_PYTHON, "--json"]);
    expect(run.code).toBe(0);
    const results = checks(run);
    expect(results.filter(({ status }) => status !== "ok")).toEqual([]);
    expect(results.map(({ name }) => name)).toEqual([
      "project",
      "interpreter",
      "django",
      "settings",
      "apps",
      "database default",
      "urlconf",
      "socket dir",
      "dev server",
      "clients",
    ]);
  });

  test("prints one plain line per check and a summary when not in a terminal", async () => {
    const run = await doctor(["--project", example().root, "--python", VENV_PYTHON]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(run.stdout).not.toContain("\x1b[");
    expect(lines.slice(0, -1).every((text) => text.startsWith("ok    "))).toBe(true);
    expect(lines.at(-1)).toBe("No check failed.");
  });

  test("the interpreter line says which one was chosen, why, and its version", async () => {
    const run = await doctor(["--project", example().root, "--python", VENV_PYTHON]);
    expect(line(run, "interpreter")).toMatch(new RegExp(`^ok +interpreter +Python 3\\.\\d+\\.\\d+ at ${VENV_PYTHON} \\(chosen from --python\\)`));
  });

  test("the project's own prints stay off the report", async () => {
    const run = await doctor(["--project", example().root, "--python", VENV_PYTHON, "--json"]);
    expect(run.stdout).not.toContain("bookshop settings loaded");
    expect(checks(run).length).toBeGreaterThan(0);
  });

  test("an interpreter without Django fails the django check, saying to pip install it there", async () => {
    const bare = join(scratch, "bare-venv");
    if (!existsSync(bare)) Bun.spawnSync(["python3", "-m", "venv", "--without-pip", bare]);
    const python = join(bare, "bin", "python");
    const run = await doctor(["--project", example().root, "--python", python]);
    expect(run.code).toBe(1);
    expect(line(run, "django")).toStartWith("fail");
    expect(line(run, "django")).toContain(`— fix: install it there (${python} -m pip install Django`);
    expect(line(run, "settings")).toStartWith("skip");
  });

  test("settings that raise at import fail the settings check with the exception on one line", async () => {
    const copy = example();
    copy.edit("bookshop/settings.py", "DEBUG = True\n", 'DEBUG = True\nraise RuntimeError("settings\\nare broken")\n');
    const run = await doctor(["--project", copy.root, "--python", VENV_PYTHON]);
    expect(run.code).toBe(1);
    expect(line(run, "settings")).toMatch(
      /^fail +settings +bookshop\.settings raises RuntimeError: settings are broken \(bookshop\/settings\.py:\d+\) — fix: /,
    );
  });

  test("a database in a folder that does not exist fails its check, with exit status 1", async () => {
    const run = await doctor(["--project", example().root, "--python", VENV_PYTHON], { BOOKSHOP_DB: join(scratch, "no-such-folder", "db.sqlite3") });
    expect(run.code).toBe(1);
    expect(line(run, "database default")).toMatch(/^fail +database default +sqlite3 .*no-such-folder.*does not exist — fix: /);
  });

  test("Python 3.9 fails the interpreter check: supported 3.10+, pass --python with a newer one", async () => {
    const run = await doctor(["--project", example().root, "--python", python39(scratch)]);
    expect(run.code).toBe(1);
    expect(line(run, "interpreter")).toMatch(
      /^fail +interpreter +Python 3\.9\.\d+ at .*; supported: 3\.10\+ — fix: pass --python with a Python 3\.10\+ interpreter/,
    );
    expect(line(run, "django")).toMatch(/^skip +django +needs Python 3\.10\+/);
  });

  test("a folder that is no Django project fails the project check with a fix, not a crash", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty, { recursive: true });
    const run = await doctor(["--project", empty, "--python", VENV_PYTHON]);
    expect(run.code).toBe(1);
    expect(line(run, "project")).toMatch(/^fail +project +no Django settings module found: .* — fix: .*--settings/);
    expect(run.stderr).toBe("");
  });

  test("a dev server listening for the project is named by its pid", async () => {
    const copy = example();
    const runtime = join(scratch, "runtime");
    mkdirSync(runtime, { recursive: true, mode: 0o700 });
    chmodSync(runtime, 0o700);
    defer(() => rmSync(runtime, { recursive: true, force: true }));
    const socket = join(runtime, "devserver.sock");
    writeFileSync(socket, ""); // it only has to exist
    const registration = {
      socket,
      secret: "s",
      pid: process.pid,
      parent_pid: null,
      project_root: copy.root,
      settings_module: "bookshop.settings",
      django: "5.2",
    };
    writeFileSync(join(runtime, `${projectKey(copy.root)}.json`), JSON.stringify(registration));
    const run = await doctor(["--project", copy.root, "--python", VENV_PYTHON], { MCP_DJANGO_RUNTIME_DIR: runtime });
    expect(line(run, "dev server")).toMatch(new RegExp(`^ok +dev server +attach to pid ${process.pid} `));
  });
});
