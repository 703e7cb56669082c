/** Small helpers for the benchmark: medians of repeated runs and a readable report. */
import { readdirSync, readFileSync } from "node:fs";
import { memoryBytes } from "../support/memory.ts";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Figure {
  name: string;
  value: number;
  unit: "ms" | "MB" | "x" | "%";
  /** The target, when the issue sets one: the line says whether it was met. */
  target?: { limit: number; text: string };
}

export function report(title: string, figures: Figure[]): void {
  process.stdout.write(`\n## ${title}\n`);
  for (const { name, value, unit, target } of figures) {
    const shown = value.toFixed(unit === "x" ? 2 : unit === "ms" && value < 10 ? 3 : 1);
    const verdict = target ? `  (target ${target.text}: ${value <= target.limit ? "met" : "MISSED"})` : "";
    process.stdout.write(`${name.padEnd(58)} ${shown.padStart(9)} ${unit}${verdict}\n`);
  }
}

/** Peak resident set size of a live process (Linux). */
export function peakRssMb(pid: number): number {
  return memoryBytes(pid, "VmHWM") / 1024 / 1024;
}

/** Resident set size of a live process now (Linux). */
export function rssMb(pid: number): number {
  return memoryBytes(pid, "VmRSS") / 1024 / 1024;
}

/** A process and every process it started, still running (Linux: /proc/<pid>/task/<tid>/children). */
function descendants(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
  return [pid, ...children.flatMap(descendants)];
}

/** Peak RSS of a process and of each of its descendants, by command name (Linux). */
export function processTree(pid: number): { pid: number; name: string; peakRssMb: number }[] {
  return descendants(pid).flatMap((each) => {
    try {
      const name = readFileSync(`/proc/${each}/comm`, "utf8").trim();
      return [{ pid: each, name, peakRssMb: peakRssMb(each) }];
    } catch {
      return []; // it ended between the listing and the read
    }
  });
}
