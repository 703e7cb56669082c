/**
 * `npm run bench`: speed and memory figures, medians of repeated runs. Targets are reported, not asserted.
 * `npm run bench -- --compare PYTHON [--rounds N]`: instead, this server against the original Python
 * mcp-django installed in PYTHON (see compare.ts; .ci/reference-venv makes one).
 */
import { parseArgs } from "node:util";
import { benchCompare } from "./compare.ts";
import { benchCore } from "./core.ts";
import { benchDjangoPackages } from "./djangopackages.ts";
import { benchIntrospection } from "./introspection.ts";
import { benchRedaction } from "./redaction.ts";
import { benchReload } from "./reload.ts";

const { values } = parseArgs({ options: { compare: { type: "string" }, rounds: { type: "string", default: "7" } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds ${values.rounds}: not a positive whole number`);

process.stdout.write(`mcp-django benchmark — ${new Date().toISOString()}, ${navigator.hardwareConcurrency} cores\n`);
if (values.compare) {
  await benchCompare(values.compare, rounds);
} else {
  await benchCore();
  await benchIntrospection();
  await benchReload();
  await benchDjangoPackages();
  await benchRedaction();
}
