import { existsSync, lstatSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { log } from "../log.ts";
import { isAlive } from "./pids.ts";

/**
 * Finding a dev server whose sidecar listens for us: the registration file written by
 * py/mcp_django_bun/sidecar/registry.py, in a private per-user directory, keyed by the project's
 * real path (computed the same way on both sides).
 */

const registrationSchema = z.object({
  socket: z.string(),
  secret: z.string(),
  pid: z.number().int(),
  parent_pid: z.number().int().nullable(),
  project_root: z.string(),
  settings_module: z.string().nullable(),
  django: z.string(),
});
export type Registration = z.infer<typeof registrationSchema>;

export type DevServerState =
  | { state: "listening"; registration: Registration }
  /** The serving process is gone but the autoreloader that restarts it is alive. */
  | { state: "reloading"; registration: Registration }
  | { state: "absent" };

/** How long a reload may take before we stop waiting for the new process. */
const RELOAD_WAIT_MS = 10_000;

export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MCP_DJANGO_RUNTIME_DIR || join("/tmp", `mcp-django-${process.getuid?.() ?? 0}`);
}

export function projectKey(projectRoot: string): string {
  return new Bun.CryptoHasher("sha256").update(realpathSync(projectRoot)).digest("hex").slice(0, 16);
}

/** Private to this user, as the Python side made it: anything else may be someone's trap. */
function isPrivate(dir: string): boolean {
  const info = lstatSync(dir, { throwIfNoEntry: false });
  return Boolean(info?.isDirectory() && info.uid === process.getuid?.() && (info.mode & 0o077) === 0);
}

export function lookUpDevServer(projectRoot: string): DevServerState {
  const dir = runtimeDir();
  const file = join(dir, `${projectKey(projectRoot)}.json`);
  if (!existsSync(file)) return { state: "absent" };
  if (!isPrivate(dir)) {
    log.warn(`ignoring ${dir}: it must be a directory of yours with mode 0700`);
    return { state: "absent" };
  }
  let registration: Registration;
  try {
    registration = registrationSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return { state: "absent" }; // being rewritten, or left broken: as if none
  }
  if (isAlive(registration.pid) && existsSync(registration.socket)) return { state: "listening", registration };
  if (registration.parent_pid !== null && isAlive(registration.parent_pid)) return { state: "reloading", registration };
  return { state: "absent" };
}

/** The listening dev server, waiting through an autoreload in progress; undefined if none. */
export async function findDevServer(projectRoot: string): Promise<Registration | undefined> {
  const deadline = Date.now() + RELOAD_WAIT_MS;
  for (;;) {
    const found = lookUpDevServer(projectRoot);
    if (found.state === "listening") return found.registration;
    if (found.state === "absent" || Date.now() > deadline) return undefined;
    await Bun.sleep(100);
  }
}
