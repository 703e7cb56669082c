import { type ConsolaReporter, createConsola, type LogObject } from "consola/core";

/**
 * How each level starts its line. consola's own reporters pull in Node's tty and util modules,
 * which cost the server about 5 MB of memory for lines that are only ever plain text here.
 */
const BADGES: Record<string, string> = { fatal: " ERROR ", error: " ERROR ", warn: " WARN ", debug: "⚙", trace: "⚙" };

function text(arg: unknown): string {
  return arg instanceof Error ? (arg.stack ?? arg.message) : String(arg);
}

/** One line (or an error's stack) per message, on stderr: in stdio mode stdout carries JSON-RPC only. */
const stderrReporter: ConsolaReporter = {
  log(entry: LogObject) {
    const badge = BADGES[entry.type] ?? "ℹ";
    process.stderr.write(`${badge} ${entry.args.map(text).join(" ")}\n`);
  },
};

/** The one logger. */
export const log = createConsola({ level: 3, reporters: [stderrReporter] });

export function setDebug(enabled: boolean): void {
  log.level = enabled ? 4 : 3;
}
