#!/usr/bin/env bun
import { defineCommand, runMain } from "citty";
import { z } from "zod";
import { serveArgs, serveCommand } from "./cli/serve.ts";
import { showUsage } from "./cli/usage.ts";
import { VERSION } from "./version.ts";

// Zod compiles a parser for each object schema (with `new Function`) the first time it parses:
// a cost paid at start-up for every schema of the SDK and ours (about 180 ms with the JIT off),
// which calls this short never win back.
z.config({ jitless: true });

const main = defineCommand({
  meta: { name: "mcp-django", version: VERSION, description: "MCP server for a Django project (development only)" },
  // The serve flags, so that `--port 9000` is not taken for a command named "9000".
  args: serveArgs,
  subCommands: {
    serve: serveCommand,
    doctor: () => import("./cli/doctor.ts").then((m) => m.doctorCommand),
    install: () => import("./cli/install.ts").then((m) => m.installCommand),
  },
  default: "serve",
});

void runMain(main, { showUsage });
