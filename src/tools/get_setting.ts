import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { settingSchema, settingsSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const getSettingInput = {
  name: z
    .string()
    .min(1)
    .optional()
    .describe('One setting by name, e.g. "DATABASES", whatever its value. Without it: every setting that differs from Django\'s default.'),
};

/** Either shape: the list (no name) or one setting (a name). */
const getSettingOutput = settingsSchema.partial().extend(settingSchema.partial().shape);

export function registerGetSettingTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "get_setting",
    {
      title: "Read settings",
      description:
        "The project's settings, with secrets redacted. Without a name: every setting whose value differs from Django's default " +
        "(settings_module, settings: name → value, count, and the names left at_default), as the django://settings resource. With a name: " +
        'that setting (name, value, is_default, default), as django://setting/{name}. Secrets (SECRET_KEY, passwords, API keys, tokens, DSNs) show as {"redacted": true, "type", "length"}, ' +
        "and credentials inside URLs as [redacted]. An unknown name is an error naming the closest ones.",
      inputSchema: getSettingInput,
      outputSchema: getSettingOutput,
      annotations: { title: "Read settings", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ name }, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(name === undefined ? await context.django.settings(extra.signal) : await context.django.setting(name, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Reading the settings");
      }
    },
  );
}
