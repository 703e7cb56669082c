import { readFileSync } from "node:fs";

/** A memory figure of a live process from /proc/<pid>/status (Linux), in bytes: resident now, or its peak. */
export function memoryBytes(pid: number, field: "VmRSS" | "VmHWM"): number {
  const kb = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1];
  if (!kb) throw new Error(`no ${field} for process ${pid}`);
  return Number(kb) * 1024;
}
