#!/usr/bin/env bun
import { defineCommand, runMain } from "citty";
import { serveArgs, serveCommand } from "./cli/serve.ts";
import { showUsage } from "./cli/usage.ts";
import { VERSION } from "./version.ts";

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
