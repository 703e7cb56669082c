import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { SearchOutput } from "../../src/packages/schemas.ts";
import { connect, textOf } from "../support/client.ts";
import { startFakeDjangoPackages } from "../support/fake-djangopackages.ts";
import { median, report } from "./stats.ts";

const RUNS = 7;
const DELAY_MS = 100;
const RESULTS = 10;

/** Times one search; fails loudly unless every result was completed from its detail endpoint. */
async function timeSearch(client: Client): Promise<number> {
  const started = performance.now();
  const result = (await client.callTool({ name: "search_djangopackages", arguments: { query: "django", max_results: RESULTS } })) as CallToolResult;
  const took = performance.now() - started;
  const output = result.structuredContent as SearchOutput | undefined;
  if (result.isError || output?.results.length !== RESULTS || output.results.some((item) => item.id === null)) {
    throw new Error(`benchmark search did not return ${RESULTS} complete packages: ${textOf(result)}`);
  }
  return took;
}

export async function benchDjangoPackages(): Promise<void> {
  const fake = startFakeDjangoPackages({ delayMs: DELAY_MS });
  const uncached: number[] = [];
  const cached: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const cache = mkdtempSync(join(tmpdir(), "mcp-django-bench-"));
      const server = await connect({ env: { MCP_DJANGO_DJANGOPACKAGES_URL: fake.url, MCP_DJANGO_CACHE_DIR: cache } });
      try {
        uncached.push(await timeSearch(server.client));
        cached.push(await timeSearch(server.client));
      } finally {
        await server.close();
        rmSync(cache, { recursive: true, force: true });
      }
    }
  } finally {
    await fake.stop();
  }

  report(`Django Packages (fake API, ${DELAY_MS} ms per response)`, [
    { name: `search, ${RESULTS} uncached packages (median of ${RUNS})`, value: median(uncached), unit: "ms", target: { limit: 1000, text: "< 1000 ms" } },
    { name: `same, requests one after another (1 + ${RESULTS} × ${DELAY_MS} ms)`, value: (1 + RESULTS) * DELAY_MS, unit: "ms" },
    { name: `same search again, from the cache (median of ${RUNS})`, value: median(cached), unit: "ms" },
  ]);
}
