#!/usr/bin/env node
// The package's command. The server runs on Bun; this entry lets it start where only Node is
// installed (npx), with the Bun that npm installed as a dependency. Under Bun, it runs the server in
// this process.
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The platform's Bun: npm installs the one of our optional dependencies that matches this
 * machine (os, cpu, libc). Where the `bun` npm package is installed too and its install script
 * ran, that script has moved the binary into its own folder. Else the `bun` on PATH.
 */
function findBun() {
  const arch = process.arch === "arm64" ? "aarch64" : process.arch;
  const candidates = [
    ...["", "-musl"].map((libc) => [`@oven/bun-${process.platform}-${arch}${libc}/package.json`, "bin/bun"]),
    ["bun/package.json", "bin/bun.exe"],
  ];
  for (const [manifest, binary] of candidates) {
    try {
      const path = join(dirname(require.resolve(manifest)), binary);
      // The bun package ships a small placeholder where its install script puts the binary.
      if (existsSync(path) && statSync(path).size > 1_000_000) return path;
    } catch {
      // Not installed on this machine.
    }
  }
  return "bun";
}

if (process.versions.bun) {
  await import(cli);
} else {
  const child = spawn(findBun(), [cli, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, MCP_DJANGO_LAUNCHER: JSON.stringify([process.execPath, fileURLToPath(import.meta.url)]) },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("error", (error) => {
    process.stderr.write(`mcp-django: could not start Bun (${error.message}); no Bun build of mcp-django's dependencies matches this machine: install Bun (https://bun.sh)\n`);
    process.exit(1);
  });
  // The shell's convention for a child ended by a signal.
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}
