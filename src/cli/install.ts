import { defineCommand } from "citty";
import { ConfigError } from "../errors.ts";
import { CLIENTS } from "../install/clients.ts";
import { install } from "../install/install.ts";
import { renderOutcomes } from "../install/report.ts";
import { projectArgs } from "./args.ts";

const CLIENT_IDS = CLIENTS.map((client) => client.id).join(", ");

/** Every --client value: citty keeps only the last of a repeated flag. */
export function clientFlags(rawArgs: readonly string[]): string[] {
  const values: string[] = [];
  for (const [index, arg] of rawArgs.entries()) {
    if (arg === "--") break;
    if (arg === "--client") values.push(rawArgs[index + 1] ?? "");
    else if (arg.startsWith("--client=")) values.push(arg.slice("--client=".length));
  }
  return values;
}

export const installCommand = defineCommand({
  meta: { name: "install", description: "Add this project's server to the MCP clients found here (or named with --client)" },
  args: {
    ...projectArgs,
    client: { type: "string", description: `Only this client, even if not detected (repeatable, or a comma list): ${CLIENT_IDS}` },
    "dry-run": { type: "boolean", default: false, description: "Show the changes as a diff; write nothing" },
  },
  run({ args, rawArgs }) {
    try {
      const clients = clientFlags(rawArgs);
      if (clients.some((value) => value.trim() === "")) throw new ConfigError(`--client needs a name: ${CLIENT_IDS}`);
      const result = install({ ...args, clients, dryRun: args["dry-run"] });
      process.stdout.write(renderOutcomes(result.outcomes));
      for (const outcome of result.outcomes) {
        if (outcome.status === "failed") process.stderr.write(`mcp-django: ${outcome.error}; left untouched\n`);
      }
      if (result.outcomes.every((outcome) => outcome.status === "skipped")) {
        process.stderr.write(`mcp-django: no MCP client found here; name one with --client (${CLIENT_IDS})\n`);
      }
      if (result.outcomes.some((outcome) => outcome.status === "failed")) process.exit(1);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`mcp-django: ${error.message}\n`);
      process.exit(1);
    }
  },
});
