import { describe, expect, test } from "bun:test";
import { isSupported, readPythonChecks } from "../../src/doctor/python.ts";
import type { CheckResult } from "../../src/doctor/types.ts";

const finished = { code: 0, timedOut: false, stderr: "", timeoutMs: 30_000 };

function lines(...objects: object[]): string {
  return objects.map((object) => JSON.stringify(object)).join("\n");
}

const djangoOk: CheckResult = { name: "django", status: "ok", detail: "Django 5.2" };
const settingsOk: CheckResult = { name: "settings", status: "ok", detail: "imports" };

describe("Python versions", () => {
  test("3.10 and newer are supported", () => {
    expect([isSupported([3, 10, 0]), isSupported([3, 13, 1]), isSupported([4, 0, 0])]).toEqual([true, true, true]);
  });

  test("3.9 and 2.7 are not", () => {
    expect([isSupported([3, 9, 18]), isSupported([2, 7, 18])]).toEqual([false, false]);
  });
});

describe("reading python -m mcp_django_bun.doctor", () => {
  test("the verdicts of a finished run are taken as they are", () => {
    const stdout = lines({ begin: "django" }, djangoOk, { begin: "settings" }, settingsOk);
    expect(readPythonChecks(stdout, finished)).toEqual([djangoOk, settingsOk]);
  });

  test("lines that are not verdicts are ignored", () => {
    expect(readPythonChecks(`noise\n${lines(djangoOk)}\n{"other": 1}`, finished)).toEqual([djangoOk]);
  });

  test("a check still running at the deadline fails as hung", () => {
    const stdout = lines({ begin: "django" }, djangoOk, { begin: "settings" });
    const settings = readPythonChecks(stdout, { ...finished, code: null, timedOut: true, timeoutMs: 5000 })[1];
    expect(settings).toMatchObject({ name: "settings", status: "fail", detail: expect.stringContaining("within 5 s") });
    expect(settings?.fix).toBeString();
  });

  test("a hung database names the server as the likely cause", () => {
    const stdout = lines({ begin: "database default" });
    const [database] = readPythonChecks(stdout, { ...finished, code: null, timedOut: true });
    expect(database).toMatchObject({ name: "database default", status: "fail", fix: expect.stringContaining("HOST and PORT") });
  });

  test("the checks after a hung one are skipped", () => {
    const stdout = lines({ begin: "django" }, djangoOk, { begin: "settings" });
    const statuses = readPythonChecks(stdout, { ...finished, code: null, timedOut: true }).map(({ name, status }) => `${name} ${status}`);
    expect(statuses).toEqual(["django ok", "settings fail", "apps skip", "database skip", "urlconf skip"]);
  });

  test("a process that dies in a check fails that check with its last stderr line", () => {
    const stdout = lines({ begin: "django" }, djangoOk, { begin: "apps" });
    const apps = readPythonChecks(stdout, { ...finished, code: -11, stderr: "Traceback…\nFatal Python error: Segmentation fault\n" })[1];
    expect(apps).toMatchObject({ name: "apps", status: "fail", detail: expect.stringContaining("Fatal Python error: Segmentation fault") });
  });

  test("a process that wrote nothing fails the first check", () => {
    const results = readPythonChecks("", { ...finished, code: 1, stderr: "No module named mcp_django_bun.doctor" });
    expect(results[0]).toMatchObject({ name: "django", status: "fail", detail: expect.stringContaining("No module named") });
  });

  test("database lines per alias count as the database check", () => {
    const database = { name: "database default", status: "ok", detail: "answers" };
    const stdout = lines(djangoOk, settingsOk, { name: "apps", status: "ok", detail: "" }, database, { begin: "urlconf" });
    const names = readPythonChecks(stdout, { ...finished, code: null, timedOut: true }).map(({ name }) => name);
    expect(names).toEqual(["django", "settings", "apps", "database default", "urlconf"]);
  });
});
