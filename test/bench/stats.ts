/** Small helpers for the benchmark: medians of repeated runs and a readable report. */
import { memoryBytes } from "../support/memory.ts";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Figure {
  name: string;
  value: number;
  unit: "ms" | "MB" | "x";
  /** The target, when the issue sets one: the line says whether it was met. */
  target?: { limit: number; text: string };
}

export function report(title: string, figures: Figure[]): void {
  process.stdout.write(`\n## ${title}\n`);
  for (const { name, value, unit, target } of figures) {
    const shown = unit === "ms" && value < 10 ? value.toFixed(3) : value.toFixed(1);
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
