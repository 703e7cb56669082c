import { rmSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { RouteList as ListRoutesResult } from "../../src/contract/payloads.ts";
import { type Connected, connect, textOf } from "../support/client.ts";
import { type GeneratedProject, generateProject } from "./generated-project.ts";
import { type Figure, median, report } from "./stats.ts";

const CALLS = 15;
const FULL_SIZE_APPS = 200;
const LIMIT_MS = 300;

export interface IntrospectionTimings {
  apps: number;
  models: number;
  routes: number;
  /** The first list_routes: it imports every URLconf and view module. */
  firstListRoutesMs: number;
  listRoutesMs: number;
  modelsMs: number;
}

async function listRoutes(server: Connected): Promise<ListRoutesResult> {
  const result = (await server.client.callTool({ name: "list_routes", arguments: {} })) as CallToolResult;
  if (result.isError) throw new Error(`list_routes failed: ${textOf(result)}`);
  return result.structuredContent as unknown as ListRoutesResult;
}

async function readModels(server: Connected): Promise<unknown[]> {
  const { contents } = await server.client.readResource({ uri: "django://models" });
  return JSON.parse((contents[0] as { text: string }).text) as unknown[];
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

async function medianOf(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) times.push((await timed(run)).ms);
  return median(times);
}

async function benchProject(project: GeneratedProject): Promise<IntrospectionTimings> {
  const server = await connect({ cwd: project.root, args: ["--settings", project.settingsModule, "--pythonpath", project.root] });
  try {
    // django.setup() happens before the first answer: keep it out of the figures.
    await server.client.readResource({ uri: "django://project" });
    const first = await timed(() => listRoutes(server));
    if (first.value.total !== project.routes) throw new Error(`expected ${project.routes} routes, got ${first.value.total}`);
    const models = await readModels(server);
    if (models.length !== project.models) throw new Error(`expected ${project.models} models, got ${models.length}`);
    return {
      apps: project.apps,
      models: project.models,
      routes: project.routes,
      firstListRoutesMs: first.ms,
      listRoutesMs: await medianOf(() => listRoutes(server)),
      modelsMs: await medianOf(() => readModels(server)),
    };
  } finally {
    await server.close();
  }
}

/** list_routes and django://models on a generated project of 200 apps, and of half that to show the growth. */
export async function benchIntrospection(): Promise<IntrospectionTimings[]> {
  const results: IntrospectionTimings[] = [];
  for (const apps of [FULL_SIZE_APPS / 2, FULL_SIZE_APPS]) {
    const project = generateProject(apps);
    try {
      results.push(await benchProject(project));
    } finally {
      rmSync(project.root, { recursive: true, force: true });
    }
  }
  const figures = results.flatMap((result): Figure[] => {
    const size = `${result.apps} apps, ${result.models} models, ${result.routes} routes`;
    const target = result.apps === FULL_SIZE_APPS ? { limit: LIMIT_MS, text: `< ${LIMIT_MS} ms` } : undefined;
    return [
      { name: `list_routes, first call (${size})`, value: result.firstListRoutesMs, unit: "ms" },
      { name: `list_routes (median of ${CALLS}, ${result.apps} apps)`, value: result.listRoutesMs, unit: "ms", target },
      { name: `django://models (median of ${CALLS}, ${result.apps} apps)`, value: result.modelsMs, unit: "ms", target },
    ];
  });
  report("Introspection (generated project over stdio)", figures);
  return results;
}
