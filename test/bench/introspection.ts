/**
 * list_routes and django://models on generated projects: over stdio (the client's round trip),
 * then server-side in process (from the request reaching the server to its answer serialized as
 * stdio would send it), cold (nothing kept: the shell ran just before) and warm (kept while the
 * code is unchanged, src/django/cache.ts), with the sidecar's C msgpack and without it (the pure
 * codec); what encoding costs in the sidecar, and how big the answers are.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { createActivity } from "../../src/activity.ts";
import { secretsCollector } from "../../src/django/secrets.ts";
import { createDjangoService } from "../../src/django/service.ts";
import { createRedactor } from "../../src/mcp/redact.ts";
import { createServer } from "../../src/server.ts";
import { spawnedSource } from "../../src/sidecar/sources.ts";
import { createSupervisor } from "../../src/sidecar/supervisor.ts";
import type { RoutePage } from "../../src/tools/list_routes.ts";
import { type Connected, connect, shell, textOf } from "../support/client.ts";
import { VENV_PYTHON } from "../support/paths.ts";
import { type GeneratedProject, generateProject } from "./generated-project.ts";
import { type Figure, median, report } from "./stats.ts";

const CALLS = 15;
/** Cold calls walk the whole URLconf or model registry each time: fewer of them. */
const COLD_CALLS = 7;
const FULL_SIZE_APPS = 200;
const LIMIT_MS = 300;
/** A repeated list_routes with the code unchanged, server-side. */
const WARM_LIMIT_MS = 30;
/** A limit past any project's size: the whole list in one answer. */
const EVERYTHING = 1_000_000;

const MB = 1024 * 1024;

// --- over stdio -------------------------------------------------------------------------------

interface StdioTimings {
  project: GeneratedProject;
  /** The first list_routes: it imports every URLconf and view module. */
  firstListRoutesMs: number;
  listRoutesPageMs: number;
  listRoutesAllMs: number;
  modelsPageMs: number;
  modelsAllMs: number;
}

async function listRoutes(client: Client, args: Record<string, unknown> = {}): Promise<RoutePage> {
  const result = (await client.callTool({ name: "list_routes", arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`list_routes failed: ${textOf(result)}`);
  return result.structuredContent as unknown as RoutePage;
}

async function readModels(client: Client, uri = "django://models"): Promise<{ models: unknown[]; total: number }> {
  const { contents } = await client.readResource({ uri });
  const parsed = JSON.parse((contents[0] as { text: string }).text) as unknown[] | { models: unknown[]; total: number };
  return Array.isArray(parsed) ? { models: parsed, total: parsed.length } : parsed;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

async function medianOf(run: () => Promise<unknown>, calls = CALLS, before?: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    await before?.();
    times.push((await timed(run)).ms);
  }
  return median(times);
}

async function benchOverStdio(project: GeneratedProject): Promise<StdioTimings> {
  const server: Connected = await connect({ cwd: project.root, args: ["--settings", project.settingsModule, "--pythonpath", project.root] });
  try {
    // django.setup() happens before the first answer: keep it out of the figures.
    await server.client.readResource({ uri: "django://project" });
    const first = await timed(() => listRoutes(server.client));
    if (first.value.total !== project.routes) throw new Error(`expected ${project.routes} routes, got ${first.value.total}`);
    const models = await readModels(server.client);
    if (models.total !== project.models) throw new Error(`expected ${project.models} models, got ${models.total}`);
    return {
      project,
      firstListRoutesMs: first.ms,
      listRoutesPageMs: await medianOf(() => listRoutes(server.client)),
      listRoutesAllMs: await medianOf(() => listRoutes(server.client, { limit: EVERYTHING })),
      modelsPageMs: await medianOf(() => readModels(server.client)),
      modelsAllMs: await medianOf(() => readModels(server.client, `django://models?limit=${EVERYTHING}`)),
    };
  } finally {
    await server.close();
  }
}

// --- server-side, in process ------------------------------------------------------------------

/** A folder whose msgpack.py fails to import, put first on the sidecar's PYTHONPATH: the pure codec then serves. */
function hideCMsgpack(): string {
  const folder = mkdtempSync(join(tmpdir(), "mcp-django-bench-no-msgpack-"));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "msgpack.py"), 'raise ImportError("hidden by the benchmark")\n');
  return folder;
}

interface Served {
  client: Client;
  codec: string;
  /** Runs `call` and returns how long the server took with it, and how big its answer was as JSON. */
  measure(call: () => Promise<unknown>): Promise<{ ms: number; bytes: number }>;
  close(): Promise<void>;
}

/**
 * The server as the CLI builds it (supervisor, service with its cache, redactor), over the SDK's
 * in-memory transport, timed at the server's side of it: from a request's arrival to its answer
 * serialized (JSON.stringify, as stdio does).
 */
async function serveInProcess(project: GeneratedProject, pure: boolean): Promise<Served> {
  const hidden = pure ? hideCMsgpack() : undefined;
  const savedPath = process.env.PYTHONPATH;
  if (hidden) process.env.PYTHONPATH = [hidden, savedPath].filter(Boolean).join(":");
  const redactor = createRedactor();
  const launch = { python: VENV_PYTHON, projectRoot: project.root, settingsModule: project.settingsModule, pythonPath: [project.root] };
  const supervisor = createSupervisor(spawnedSource(launch, "bench"), { onSidecar: secretsCollector(redactor) });
  let hello: Awaited<ReturnType<typeof supervisor.start>>;
  try {
    hello = await supervisor.start();
  } finally {
    if (hidden) process.env.PYTHONPATH = savedPath;
  }
  const server = createServer({ django: createDjangoService(supervisor, "bench"), activity: createActivity(), redactor });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const arrived = new Map<string | number, number>();
  let last = { ms: Number.NaN, bytes: Number.NaN };
  const deliver = serverTransport.onmessage;
  serverTransport.onmessage = (message, extra) => {
    if ("id" in message && "method" in message) arrived.set(message.id, performance.now());
    deliver?.(message, extra);
  };
  const send = serverTransport.send.bind(serverTransport);
  serverTransport.send = (message: JSONRPCMessage, options) => {
    const started = "id" in message && message.id !== undefined && !("method" in message) ? arrived.get(message.id) : undefined;
    if (started !== undefined) {
      const bytes = Buffer.byteLength(JSON.stringify(message));
      last = { ms: performance.now() - started, bytes };
    }
    return send(message, options);
  };
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(clientTransport);
  return {
    client,
    codec: hello.codec ?? "?",
    async measure(call) {
      await call();
      return last;
    },
    async close() {
      await client.close();
      await server.close();
      await supervisor.stop();
      if (hidden) rmSync(hidden, { recursive: true, force: true });
    },
  };
}

interface ServerSide {
  codec: string;
  listRoutesAllCold: number;
  listRoutesAllWarm: number;
  listRoutesPageWarm: number;
  modelsAllCold: number;
  modelsAllWarm: number;
  modelsPageWarm: number;
  bytes: { listRoutesAll: number; listRoutesPage: number; listRoutesSummary: number; modelsAll: number; modelsPage: number };
}

async function medianServerSide(served: Served, call: () => Promise<unknown>, cold: boolean): Promise<number> {
  const times: number[] = [];
  await call(); // imports, and keeps the answer for the warm runs
  for (let i = 0; i < (cold ? COLD_CALLS : CALLS); i++) {
    // Project code ran: nothing kept survives it.
    if (cold) await shell(served.client, "pass");
    times.push((await served.measure(call)).ms);
  }
  return median(times);
}

async function benchServerSide(project: GeneratedProject, pure: boolean): Promise<ServerSide> {
  const served = await serveInProcess(project, pure);
  try {
    const { client } = served;
    const routesAll = () => listRoutes(client, { limit: EVERYTHING });
    const routesPage = () => listRoutes(client);
    const modelsAll = () => readModels(client, `django://models?limit=${EVERYTHING}`);
    const modelsPage = () => readModels(client);
    return {
      codec: served.codec,
      listRoutesAllCold: await medianServerSide(served, routesAll, true),
      listRoutesAllWarm: await medianServerSide(served, routesAll, false),
      listRoutesPageWarm: await medianServerSide(served, routesPage, false),
      modelsAllCold: await medianServerSide(served, modelsAll, true),
      modelsAllWarm: await medianServerSide(served, modelsAll, false),
      modelsPageWarm: await medianServerSide(served, modelsPage, false),
      bytes: {
        listRoutesAll: (await served.measure(routesAll)).bytes,
        listRoutesPage: (await served.measure(routesPage)).bytes,
        listRoutesSummary: (await served.measure(() => listRoutes(client, { summary: true }))).bytes,
        modelsAll: (await served.measure(modelsAll)).bytes,
        modelsPage: (await served.measure(modelsPage)).bytes,
      },
    };
  } finally {
    await served.close();
  }
}

// --- in the sidecar ---------------------------------------------------------------------------

interface Encoding {
  walkMs: number;
  jsonMs: number;
  pureMs: number;
  cMs: number | null;
  jsonBytes: number;
}

/** Times, in the sidecar through the shell, what an answer costs there: the walk, then each encoding of it. */
const ENCODING_SCRIPT = `
import gc, json, time
from mcp_django_bun.sidecar import codec
from mcp_django_bun.sidecar.introspection.routes import list_routes
from mcp_django_bun.sidecar.introspection.models import list_models
def _median(run, times=7):
    spent = []
    for _ in range(times):
        started = time.perf_counter(); value = run(); spent.append(time.perf_counter() - started)
    return sorted(spent)[times // 2] * 1000, value
def _costs(build):
    gc.disable()
    try:
        walk, result = _median(build)
        json_ms, text = _median(lambda: codec.json_text(result))
        pure_ms, _ = _median(lambda: codec.pure_packb(result))
        name, packb, _ = codec.select_codec(prefer_c=True)
        c_ms = _median(lambda: packb(result))[0] if name == "msgpack" else None
    finally:
        gc.enable()
    return {"walkMs": walk, "jsonMs": json_ms, "pureMs": pure_ms, "cMs": c_ms, "jsonBytes": len(text)}
print(json.dumps({"routes": _costs(list_routes), "models": _costs(lambda: {"models": list_models()})}))
`;

async function benchEncoding(project: GeneratedProject): Promise<{ routes: Encoding; models: Encoding }> {
  const server = await connect({ cwd: project.root, args: ["--settings", project.settingsModule, "--pythonpath", project.root] });
  try {
    const result = await shell(server.client, ENCODING_SCRIPT);
    if (result.status !== "success") throw new Error(`timing the encodings failed: ${JSON.stringify(result.output)}`);
    return JSON.parse(result.stdout);
  } finally {
    await server.close();
  }
}

// --- the report -------------------------------------------------------------------------------

export async function benchIntrospection(): Promise<void> {
  const stdio: StdioTimings[] = [];
  let serverSide: ServerSide[] = [];
  let encoding: { routes: Encoding; models: Encoding } | undefined;
  for (const apps of [FULL_SIZE_APPS / 2, FULL_SIZE_APPS]) {
    const project = generateProject(apps);
    try {
      stdio.push(await benchOverStdio(project));
      if (apps === FULL_SIZE_APPS) {
        serverSide = [await benchServerSide(project, false), await benchServerSide(project, true)];
        encoding = await benchEncoding(project);
      }
    } finally {
      rmSync(project.root, { recursive: true, force: true });
    }
  }

  report(
    "Introspection (generated project over stdio, the client's round trip)",
    stdio.flatMap(({ project, ...timings }): Figure[] => {
      const size = `${project.apps} apps, ${project.models} models, ${project.routes} routes`;
      const target = project.apps === FULL_SIZE_APPS ? { limit: LIMIT_MS, text: `< ${LIMIT_MS} ms` } : undefined;
      return [
        { name: `list_routes, first call (${size})`, value: timings.firstListRoutesMs, unit: "ms" },
        { name: `list_routes, first page, kept (median of ${CALLS}, ${project.apps} apps)`, value: timings.listRoutesPageMs, unit: "ms", target },
        { name: `list_routes, every route, kept (median of ${CALLS}, ${project.apps} apps)`, value: timings.listRoutesAllMs, unit: "ms", target },
        { name: `django://models, first page, kept (median of ${CALLS}, ${project.apps} apps)`, value: timings.modelsPageMs, unit: "ms", target },
        { name: `django://models, every model, kept (median of ${CALLS}, ${project.apps} apps)`, value: timings.modelsAllMs, unit: "ms", target },
      ];
    }),
  );

  const warmTarget = { limit: WARM_LIMIT_MS, text: `< ${WARM_LIMIT_MS} ms` };
  report(
    `Introspection server-side (in process, ${FULL_SIZE_APPS} apps; cold: nothing kept, median of ${COLD_CALLS}; warm: kept, median of ${CALLS})`,
    serverSide.flatMap((side): Figure[] => {
      const codec = side.codec === "pure" ? "pure codec" : `codec ${side.codec}`;
      return [
        { name: `list_routes, every route, cold (${codec})`, value: side.listRoutesAllCold, unit: "ms" },
        { name: `list_routes, every route, warm (${codec})`, value: side.listRoutesAllWarm, unit: "ms", target: warmTarget },
        { name: `list_routes, first page, warm (${codec})`, value: side.listRoutesPageWarm, unit: "ms", target: warmTarget },
        { name: `django://models, every model, cold (${codec})`, value: side.modelsAllCold, unit: "ms" },
        { name: `django://models, every model, warm (${codec})`, value: side.modelsAllWarm, unit: "ms" },
        { name: `django://models, first page, warm (${codec})`, value: side.modelsPageWarm, unit: "ms" },
      ];
    }),
  );

  if (encoding) {
    const lines = (what: string, costs: Encoding): Figure[] => [
      { name: `${what}: the walk (median of 7)`, value: costs.walkMs, unit: "ms" },
      { name: `${what}: as JSON text (sent now)`, value: costs.jsonMs, unit: "ms" },
      { name: `${what}: as MessagePack, pure codec (sent before)`, value: costs.pureMs, unit: "ms" },
      ...(costs.cMs === null ? [] : [{ name: `${what}: as MessagePack, C msgpack`, value: costs.cMs, unit: "ms" } satisfies Figure]),
      { name: `${what}: encoding's share of walk + encoding, pure codec (before)`, value: (100 * costs.pureMs) / (costs.walkMs + costs.pureMs), unit: "%" },
      { name: `${what}: encoding's share of walk + encoding, JSON (now)`, value: (100 * costs.jsonMs) / (costs.walkMs + costs.jsonMs), unit: "%" },
    ];
    report(`Encoding in the sidecar (${FULL_SIZE_APPS} apps)`, [...lines("routes", encoding.routes), ...lines("models", encoding.models)]);
  }

  const sizes = serverSide[0]?.bytes;
  if (sizes && encoding) {
    report(`Answer sizes (${FULL_SIZE_APPS} apps; MCP answers as JSON-RPC, structured content and its text)`, [
      { name: "list_routes, every route", value: sizes.listRoutesAll / MB, unit: "MB" },
      { name: "list_routes, first page (the default)", value: sizes.listRoutesPage / MB, unit: "MB" },
      { name: "list_routes, summary=true", value: sizes.listRoutesSummary / MB, unit: "MB" },
      { name: "django://models, every model", value: sizes.modelsAll / MB, unit: "MB" },
      { name: "django://models, first page (the default)", value: sizes.modelsPage / MB, unit: "MB" },
      { name: "sidecar frame, every route (JSON text)", value: encoding.routes.jsonBytes / MB, unit: "MB" },
      { name: "sidecar frame, every model (JSON text)", value: encoding.models.jsonBytes / MB, unit: "MB" },
    ]);
  }
}
