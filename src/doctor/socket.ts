import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { MAX_SOCKET_PATH, makeSocketDir, socketBase } from "../sidecar/spawn.ts";
import type { CheckResult } from "./types.ts";

/** The largest process id (Linux's pid_max ceiling): the server's pid is part of the socket path. */
const LONGEST_PID = 7;

const SHORTER_TMPDIR = "set TMPDIR to a short local folder you can write to (TMPDIR=/tmp)";

function listen(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(path, () => server.close(() => resolve()));
  });
}

/**
 * The sidecar listens on a Unix socket in a folder made in the temporary folder (spawn.ts): make
 * such a folder, with the same name pattern and so the same path length, and bind a socket there.
 */
export async function socketDirCheck(base: string = socketBase()): Promise<CheckResult> {
  const name = "socket dir";
  const where = process.env.TMPDIR ? `${base} ($TMPDIR)` : base;
  let path: string;
  try {
    path = makeSocketDir(base);
  } catch (error) {
    return { name, status: "fail", detail: `${where}: cannot make a folder there: ${(error as Error).message}`, fix: SHORTER_TMPDIR };
  }
  try {
    const bytes = Buffer.byteLength(path);
    const limit = MAX_SOCKET_PATH;
    if (bytes > limit) {
      return { name, status: "fail", detail: `${where}: the sidecar's socket path would be ${bytes} bytes; the limit is ${limit}`, fix: SHORTER_TMPDIR };
    }
    try {
      await listen(path);
    } catch (error) {
      return { name, status: "fail", detail: `${where}: cannot listen on a Unix socket there: ${(error as Error).message}`, fix: SHORTER_TMPDIR };
    }
    const worst = bytes - String(process.pid).length + LONGEST_PID;
    if (worst > limit) {
      return {
        name,
        status: "warn",
        detail: `${where}: a socket binds there, but with a longer process id its path would pass the ${limit}-byte limit`,
        fix: SHORTER_TMPDIR,
      };
    }
    return { name, status: "ok", detail: `${where}: a socket binds there (path ${bytes} of ${limit} bytes)` };
  } finally {
    rmSync(dirname(path), { recursive: true, force: true });
  }
}
