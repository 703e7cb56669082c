import { describe, expect, test } from "bun:test";
import { exitCode, formatJson, formatText } from "../../src/doctor/report.ts";
import type { CheckResult } from "../../src/doctor/types.ts";

const ok: CheckResult = { name: "django", status: "ok", detail: "Django 5.2" };
const failing: CheckResult = { name: "settings", status: "fail", detail: "raises RuntimeError: boom", fix: "fix it" };
const warning: CheckResult = { name: "database default", status: "warn", detail: "no database file yet", fix: "migrate" };
const skipped: CheckResult = { name: "urlconf", status: "skip", detail: "needs the settings module" };

describe("exit status", () => {
  test("is 0 when every check passes", () => {
    expect(exitCode([ok])).toBe(0);
  });

  test("is 0 with warnings and skips but no failure", () => {
    expect(exitCode([ok, warning, skipped])).toBe(0);
  });

  test("is 1 when any check fails", () => {
    expect(exitCode([ok, failing, warning])).toBe(1);
  });
});

describe("text", () => {
  test("one line per check: verdict, name and detail", () => {
    const [line] = formatText([ok]).split("\n");
    expect(line).toBe("ok    django  Django 5.2");
  });

  test("a check that is not ok carries its fix on its line", () => {
    const lines = formatText([failing]).split("\n");
    expect(lines[0]).toBe("fail  settings  raises RuntimeError: boom — fix: fix it");
  });

  test("names are padded to one column", () => {
    const lines = formatText([ok, warning]).split("\n");
    expect(lines[0]?.indexOf("Django")).toBe(lines[1]?.indexOf("no database"));
  });

  test("ends with a summary counting failures and warnings", () => {
    const lines = formatText([ok, failing, warning]).trimEnd().split("\n");
    expect(lines.at(-1)).toStartWith("1 check failed, 1 warning");
  });

  test("says nothing failed when nothing did", () => {
    expect(formatText([ok, skipped]).trimEnd().split("\n").at(-1)).toBe("No check failed.");
  });

  test("is plain without colour", () => {
    expect(formatText([ok, failing, warning, skipped])).not.toContain("\x1b[");
  });

  test("colours the verdict only when asked", () => {
    const [line] = formatText([failing], { colour: true }).split("\n");
    expect(line).toStartWith("\x1b[31mfail\x1b[0m  settings");
  });
});

describe("JSON", () => {
  test("lists every check and whether the project passes", () => {
    expect(JSON.parse(formatJson([ok, failing]))).toEqual({ ok: false, checks: [ok, failing] });
  });
});
