import { type ArgsDef, defineCommand } from "citty";
import { runDoctor } from "../doctor/checks.ts";
import { exitCode, formatJson, formatText } from "../doctor/report.ts";
import { projectArgs } from "./args.ts";

export const doctorArgs = {
  ...projectArgs,
  json: { type: "boolean", description: "Print the checks as JSON" },
} as const satisfies ArgsDef;

export const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check that mcp-django can serve this project, without starting the server" },
  args: doctorArgs,
  async run({ args }) {
    const results = await runDoctor({ project: args.project, settings: args.settings, python: args.python, pythonpath: args.pythonpath });
    const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    process.stdout.write(args.json ? formatJson(results) : formatText(results, { colour }));
    process.exitCode = exitCode(results);
  },
});
