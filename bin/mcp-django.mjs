#!/bin/sh
':' /*
# The package's command: a shell script and an ES module at once. Run as a command (npx, a
# global install, bunx), the shell part below replaces itself (exec) with the Bun of our
# optional dependencies: no Node process stays beside the server for its whole life (Node's
# own ~40 MB of memory, and its start-up). Where it finds no such Bun, it hands this file to
# Node (or Bun) as the module after this comment, which finds Bun the way npm resolves packages.

# Bun's JIT tiers off unless the environment says otherwise (set them to 1): the server mostly
# waits on its client and on Python, and the compiled code's memory is about a third of the Bun
# process's (npm run bench -- --compare; README, "Development"). Not BUN_JSC_useJIT=0: without
# the JIT there is no bun:ffi, so no synchronous inotify, and a file saved just before a call
# could be missed by it (src/project/inotify.ts).
: "${BUN_JSC_useBaselineJIT=0}" "${BUN_JSC_useDFGJIT=0}" "${BUN_JSC_useFTLJIT=0}"
export BUN_JSC_useBaselineJIT BUN_JSC_useDFGJIT BUN_JSC_useFTLJIT

# This file, through the links npm makes to it (node_modules/.bin, a global bin folder).
self=$0
while [ -L "$self" ]; do
  target=$(readlink "$self")
  case $target in
    /*) self=$target ;;
    *) self=$(dirname "$self")/$target ;;
  esac
done
root=$(cd "$(dirname "$self")/.." && pwd -P) || exit 1
entry=$root/bin/mcp-django.mjs
# The server: its source in a clone, the bundle `npm pack` builds (dist/) in the package.
cli=$root/src/cli.ts
[ -e "$cli" ] || cli=$root/dist/cli.js

case $(uname -s) in Linux) os=linux ;; Darwin) os=darwin ;; *) os= ;; esac
case $(uname -m) in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=aarch64 ;; *) arch= ;; esac
# npm may install both Linux builds where it can't tell the C library: musl's loader decides.
variants="$os-$arch $os-$arch-musl"
for loader in /lib/ld-musl-*; do
  [ -e "$loader" ] && variants="$os-$arch-musl $os-$arch"
  break
done

# Starts the server on the Bun at $1, if there is one: the platform's build, or the `bun` npm
# package's binary where its install script moved it there (a small placeholder otherwise).
start() {
  [ -x "$1" ] || return 0
  case $1 in *.exe) [ -n "$(find "$1" -size +1000000c 2>/dev/null)" ] || return 0 ;; esac
  bun=$1
  shift
  # How a client should start us again (mcp-django install): this command, not Bun.
  MCP_DJANGO_LAUNCHER="[\"$entry\"]"
  export MCP_DJANGO_LAUNCHER
  exec "$bun" "$cli" "$@"
}

# MCP_DJANGO_LAUNCHER is JSON: a path that would need escapes is left to Node.
case $entry in *[\"\\]*) os= ;; esac
if [ -n "$os" ] && [ -n "$arch" ]; then
  # Our own node_modules, or the one npm hoisted the dependency to (the package's parent).
  for modules in "$root/node_modules" "$(dirname "$root")"; do
    for variant in $variants; do start "$modules/@oven/bun-$variant/bin/bun" "$@"; done
    start "$modules/bun/bin/bun.exe" "$@"
  done
fi
if command -v node >/dev/null 2>&1; then exec node "$entry" "$@"; fi
if command -v bun >/dev/null 2>&1; then exec bun "$entry" "$@"; fi
echo "mcp-django: needs Node.js (18+) or Bun: install one of them" >&2
exit 1
*/

// The module: where only Node is installed, it starts the server on the Bun that npm installed
// as a dependency. Under Bun, it runs the server in this process.
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// As in the shell part above: the source in a clone, the bundle in the package.
const source = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const cli = existsSync(source) ? source : fileURLToPath(new URL("../dist/cli.js", import.meta.url));
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
    env: {
      ...process.env,
      // As in the shell part above: the JIT's tiers off unless the environment says otherwise.
      BUN_JSC_useBaselineJIT: process.env.BUN_JSC_useBaselineJIT ?? "0",
      BUN_JSC_useDFGJIT: process.env.BUN_JSC_useDFGJIT ?? "0",
      BUN_JSC_useFTLJIT: process.env.BUN_JSC_useFTLJIT ?? "0",
      MCP_DJANGO_LAUNCHER: JSON.stringify([process.execPath, fileURLToPath(import.meta.url)]),
    },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("error", (error) => {
    process.stderr.write(`mcp-django: could not start Bun (${error.message}); no Bun build of mcp-django's dependencies matches this machine: install Bun (https://bun.sh)\n`);
    process.exit(1);
  });
  // The shell's convention for a child ended by a signal.
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}
