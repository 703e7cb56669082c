import { defineCommand, runMain } from "citty";
import { VERSION } from "../version.ts";
import { serveArgs, serveCommand } from "./serve.ts";
import { showUsage } from "./usage.ts";

const main = defineCommand({
  meta: { name: "mcp-django", version: VERSION, description: "MCP server for a Django project (development only)" },
  // The serve flags, so that `--port 9000` is not taken for a command named "9000".
  args: serveArgs,
  subCommands: {
    serve: serveCommand,
    doctor: () => import("./doctor.ts").then((m) => m.doctorCommand),
    install: () => import("./install.ts").then((m) => m.installCommand),
  },
  default: "serve",
});

void runMain(main, { showUsage });
