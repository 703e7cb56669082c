/** Writing a planned change: a backup of the file it replaces, then the new text put in place in one rename. */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { FormatError } from "./formats/format.ts";
import type { ClientPlan } from "./plan.ts";

/** `file.20251120T101112Z.bak`: a new name each run, so an earlier backup (the user's original) is never overwritten. */
export function backupPath(file: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  let candidate = `${file}.${stamp}.bak`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${file}.${stamp}-${n}.bak`;
  return candidate;
}

/**
 * Writes the plan's text. An existing file is backed up first, and written through a symlink
 * (dotfiles kept in a repository stay links) with its permissions kept (a config may hold
 * tokens). Returns the backup's path, if one was made.
 */
export function applyPlan(plan: ClientPlan, now: Date = new Date()): string | undefined {
  if (plan.action === "unchanged") return undefined;
  let target = plan.path;
  let mode: number | undefined;
  let backup: string | undefined;
  if (plan.before !== undefined) {
    // The user (or the client) may have saved the file since it was read: don't undo that.
    if (readFileSync(plan.path, "utf8") !== plan.before) throw new FormatError(`${plan.path}: changed while mcp-django was installing; run install again`);
    target = realpathSync(plan.path);
    mode = statSync(target).mode & 0o7777;
    backup = backupPath(plan.path, now);
    copyFileSync(target, backup);
  } else {
    mkdirSync(dirname(target), { recursive: true });
  }
  const temporary = `${target}.mcp-django-${process.pid}.tmp`;
  try {
    writeFileSync(temporary, plan.after);
    if (mode !== undefined) chmodSync(temporary, mode);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return backup;
}
