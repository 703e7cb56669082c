#!/usr/bin/env bun
// Zod's settings take effect for schemas made after them (./zod-config.ts), so everything else,
// the SDK's schemas included, is loaded only once they are in place: a static import could be
// evaluated first (in the bundle, shared code is hoisted into chunks imported ahead of this one).
import "./zod-config.ts";

await import("./cli/main.ts");
