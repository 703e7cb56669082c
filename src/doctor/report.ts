import type { CheckResult, Status } from "./types.ts";

/** 0 when nothing failed (warnings and skips allowed), else 1. */
export function exitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.some((result) => result.status === "fail") ? 1 : 0;
}

const COLOURS: Record<Status, string> = { ok: "\x1b[32m", fail: "\x1b[31m", warn: "\x1b[33m", skip: "\x1b[2m" };
const RESET = "\x1b[0m";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function summary(results: readonly CheckResult[]): string {
  const count = (status: Status) => results.filter((result) => result.status === status).length;
  const warnings = count("warn") ? `, ${plural(count("warn"), "warning")}` : "";
  if (count("fail")) return `${plural(count("fail"), "check")} failed${warnings}: mcp-django cannot serve this project as it is.`;
  return `No check failed${warnings}.`;
}

/** One line per check: verdict, name, detail and, when it is not ok, what to do; then a summary. */
export function formatText(results: readonly CheckResult[], { colour = false } = {}): string {
  const width = Math.max(0, ...results.map((result) => result.name.length));
  const lines = results.map(({ name, status, detail, fix }) => {
    const verdict = status.padEnd(4);
    const shown = colour ? `${COLOURS[status]}${verdict}${RESET}` : verdict;
    return `${shown}  ${name.padEnd(width)}  ${detail}${fix ? ` — fix: ${fix}` : ""}`;
  });
  return `${[...lines, summary(results)].join("\n")}\n`;
}

/** --json: every check, and whether the project passes. */
export function formatJson(results: readonly CheckResult[]): string {
  return `${JSON.stringify({ ok: exitCode(results) === 0, checks: results }, null, 2)}\n`;
}
