import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { doctorContext, interpreterCheck, projectCheck, runDoctor } from "../../src/doctor/checks.ts";
import { socketDirCheck } from "../../src/doctor/socket.ts";
import type { DoctorContext, InterpreterProbe } from "../../src/doctor/types.ts";
import { isAlive } from "../../src/sidecar/pids.ts";
import { MAX_SOCKET_PATH } from "../../src/sidecar/spawn.ts";
import { cliEnv } from "../support/client.ts";
import { VENV_PYTHON } from "../support/paths.ts";

let scratch: string;
beforeEach(() => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), "mcp-django-doctor-")));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A project of one settings module, `tinysite.settings`, with the given source. */
function project(settingsSource: string): string {
  const root = join(scratch, "project");
  mkdirSync(join(root, "tinysite"), { recursive: true });
  writeFileSync(join(root, "manage.py"), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinysite.settings")\n');
  writeFileSync(join(root, "tinysite", "__init__.py"), "");
  writeFileSync(join(root, "tinysite", "settings.py"), settingsSource);
  return root;
}

/** A context for the checks that only read `found` and the interpreter probe. */
function contextWith(source: string, path: string, probe: InterpreterProbe): DoctorContext {
  const context = doctorContext({ project: project(""), python: VENV_PYTHON }, { env: cliEnv() });
  const found = context.found!;
  return { ...context, found: { ...found, python: { path, source } }, interpreter: async () => probe };
}

describe("project", () => {
  test("a folder without manage.py fails, saying what to pass", () => {
    const line = projectCheck(doctorContext({ project: scratch, python: VENV_PYTHON }, { env: cliEnv() }));
    expect(line).toMatchObject({ status: "fail", detail: expect.stringContaining("no manage.py"), fix: expect.stringContaining("--settings") });
  });

  test("a --project that does not exist fails with the ConfigError's fix", () => {
    const line = projectCheck(doctorContext({ project: join(scratch, "nowhere"), python: VENV_PYTHON }, { env: cliEnv() }));
    expect(line).toEqual({
      name: "project",
      status: "fail",
      detail: `--project ${join(scratch, "nowhere")}: no such folder`,
      fix: "pass the folder that holds your project's manage.py",
    });
  });

  test("a found project names its settings module and folder", () => {
    const root = project("");
    expect(projectCheck(doctorContext({ project: root, python: VENV_PYTHON }, { env: cliEnv() }))).toEqual({
      name: "project",
      status: "ok",
      detail: `tinysite.settings in ${root}`,
    });
  });
});

describe("interpreter", () => {
  test("says which interpreter was chosen, why, and its version", async () => {
    const context = contextWith("--python", "/venv/bin/python", { ok: true, version: [3, 12, 1], executable: "/venv/bin/python" });
    expect(await interpreterCheck(context)).toEqual({ name: "interpreter", status: "ok", detail: "Python 3.12.1 at /venv/bin/python (chosen from --python)" });
  });

  test("names the real executable behind a shim", async () => {
    const context = contextWith("python3 on PATH", "/shims/python3", { ok: true, version: [3, 12, 1], executable: "/pythons/3.12/bin/python3" });
    expect((await interpreterCheck(context)).detail).toEndWith(", running /pythons/3.12/bin/python3");
  });

  test("Python 3.9 in the project's .venv fails, saying to recreate the virtualenv", async () => {
    const context = contextWith(".venv next to manage.py", "/p/.venv/bin/python", { ok: true, version: [3, 9, 18], executable: "/p/.venv/bin/python" });
    const line = await interpreterCheck(context);
    expect(line).toMatchObject({ status: "fail", detail: expect.stringContaining("supported: 3.10+"), fix: expect.stringContaining("venv --clear /p/.venv") });
  });

  test("an interpreter that does not run Python code fails, and the Python-side checks are skipped", async () => {
    const fake = join(scratch, "python");
    writeFileSync(fake, "#!/bin/sh\necho 'broken interpreter' >&2\nexit 1\n");
    chmodSync(fake, 0o755);
    const results = await runDoctor({ project: project(""), python: fake }, { env: cliEnv() });
    expect(results.find((line) => line.name === "interpreter")).toMatchObject({ status: "fail", detail: expect.stringContaining("broken interpreter") });
    expect(results.find((line) => line.name === "django")).toMatchObject({ status: "skip", detail: "needs a working interpreter" });
  });
});

describe("a project that hangs", () => {
  // Long enough for Python to reach the settings on a loaded machine.
  const timeoutMs = 5000;
  const hangs = (pidFile: string) => `import os, time\nopen(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\ntime.sleep(60)\n`;

  test("its settings check fails at the deadline, without waiting for it", async () => {
    const started = Date.now();
    const results = await runDoctor({ project: project(hangs(join(scratch, "pid"))), python: VENV_PYTHON }, { env: cliEnv(), timeoutMs });
    expect(results.find((line) => line.name === "settings")).toMatchObject({ status: "fail", detail: expect.stringContaining("within 5 s") });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test("its Python process is killed", async () => {
    const pidFile = join(scratch, "pid");
    await runDoctor({ project: project(hangs(pidFile)), python: VENV_PYTHON }, { env: cliEnv(), timeoutMs });
    expect(isAlive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });
});

describe("socket dir", () => {
  test("passes in the temporary folder and leaves nothing there", async () => {
    const line = await socketDirCheck(scratch);
    expect(line).toMatchObject({ name: "socket dir", status: "ok" });
    expect(readdirSync(scratch)).toEqual([]);
  });

  test("fails with a folder whose socket path would pass the limit, saying to set TMPDIR", async () => {
    const deep = join(scratch, "x".repeat(Math.max(1, MAX_SOCKET_PATH - scratch.length)));
    mkdirSync(deep);
    const line = await socketDirCheck(deep);
    expect(line).toMatchObject({
      status: "fail",
      detail: expect.stringContaining(`the limit is ${MAX_SOCKET_PATH}`),
      fix: expect.stringContaining("TMPDIR"),
    });
  });

  test("fails when no folder can be made there", async () => {
    const line = await socketDirCheck(join(scratch, "missing"));
    expect(line).toMatchObject({ status: "fail", detail: expect.stringContaining("cannot make a folder"), fix: expect.stringContaining("TMPDIR") });
  });
});

describe("the list of checks", () => {
  test("runs them in order, a check of several lines giving each of them", async () => {
    const results = await runDoctor({ project: scratch }, { env: cliEnv() }, [
      () => ({ name: "one", status: "ok", detail: "" }),
      async () => [
        { name: "two a", status: "warn", detail: "", fix: "x" },
        { name: "two b", status: "ok", detail: "" },
      ],
    ]);
    expect(results.map(({ name }) => name)).toEqual(["one", "two a", "two b"]);
  });

  test("a project that cannot be found does not stop the checks that do not need it", async () => {
    const results = await runDoctor({ project: scratch, python: VENV_PYTHON }, { env: cliEnv() });
    expect(results.find((line) => line.name === "project")?.status).toBe("fail");
    expect(results.find((line) => line.name === "socket dir")?.status).toBe("ok");
  });
});
