/** `bun run bench`: speed and memory figures, medians of repeated runs. Targets are reported, not asserted. */
import { benchCore } from "./core.ts";
import { benchDjangoPackages } from "./djangopackages.ts";
import { benchIntrospection } from "./introspection.ts";
import { benchReload } from "./reload.ts";

process.stdout.write(`mcp-django benchmark — ${new Date().toISOString()}, ${navigator.hardwareConcurrency} cores\n`);
await benchCore();
await benchIntrospection();
await benchReload();
await benchDjangoPackages();
