/**
 * `npm run bench -- --compare PYTHON`: this server against the original Python mcp-django (0.14.0,
 * installed in PYTHON: .ci/reference-venv makes such an interpreter), on the example project and
 * on a generated 200-app one, in one run. Each round starts every server once, in turn (the order
 * alternates), and drives the same session: start-up, first shell result, shell round trips,
 * list_routes, the models listing, then the peak RSS of the server's whole process tree. Figures
 * are medians over the rounds; ratios are ours ÷ theirs. Targets are reported, not asserted.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { cliEnv } from "../support/client.ts";
import { BUN, CLI, EXAMPLE, REPO, VENV_PYTHON } from "../support/paths.ts";
import { generateProject } from "./generated-project.ts";
import { type Figure, median, processTree, report } from "./stats.ts";

const ROUND_TRIPS = 200;
const WARM_UP = 20;
/** list_routes and models calls per round, after the first (cold) one. */
const CALLS = 9;
const GENERATED_APPS = 200;

/** The tools and resource that do the same job on each server. */
interface Names {
  shell: string;
  listRoutes: string;
  models: string;
}

const OUR_NAMES: Names = { shell: "shell", listRoutes: "list_routes", models: "django://models" };

/**
 * Ours gives a list longer than 500 items in pages; theirs always the whole list. Both do the same
 * work here: the whole list, asked for as one page (a large limit), and the pages after it, if any.
 */
const WHOLE_LIST = 1_000_000;

interface Paged {
  has_more?: boolean;
  next_offset?: number | null;
}

export interface Project {
  label: string;
  root: string;
  settingsModule: string;
}

export interface Server {
  label: string;
  names: Names;
  launch(project: Project): { command: string; args: string[]; env: Record<string, string> };
}

interface Round {
  initializeMs: number;
  firstShellMs: number;
  roundTripMs: number;
  firstListRoutesMs?: number;
  listRoutesMs?: number;
  /** Why list_routes failed, when it did. */
  listRoutesError?: string;
  routes?: number;
  modelsMs: number;
  models: number;
  rssMb: number;
  /** Peak RSS per process of the tree, by name. */
  processes: { name: string; mb: number }[];
}

const OURS = "ours";
const THEIRS = "theirs";
const OURS_DIRECT = "ours, bun src/cli.ts";

const projectArgs = (python: string, project: Project) => [
  "--python",
  python,
  "--no-attach",
  "--settings",
  project.settingsModule,
  "--pythonpath",
  project.root,
];

/**
 * Ours as clients start it: the package's command (npx, a global install), which execs Bun on the
 * bundle in the package. `root` is the package as `npm pack` makes it (packedPackage).
 */
function oursAsInstalled(python: string, root: string): Server {
  return {
    label: OURS,
    names: OUR_NAMES,
    launch: (project) => ({ command: join(root, "bin", "mcp-django.mjs"), args: projectArgs(python, project), env: {} }),
  };
}

/**
 * The package as npm installs it, in a temporary folder: `npm pack` (which builds dist/), unpacked,
 * with the repo's node_modules as its dependencies. Removed with the folder returned.
 */
function packedPackage(): { root: string; folder: string } {
  const folder = mkdtempSync(join(tmpdir(), "mcp-django-bench-"));
  const packed = Bun.spawnSync(["npm", "pack", "--silent", "--pack-destination", folder], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  if (!packed.success) throw new Error(`npm pack failed: ${packed.stderr.toString()}`);
  const tarball = join(folder, packed.stdout.toString().trim().split("\n").pop() ?? "");
  const unpacked = Bun.spawnSync(["tar", "xzf", tarball, "-C", folder], { stderr: "pipe" });
  if (!unpacked.success) throw new Error(`could not unpack ${tarball}: ${unpacked.stderr.toString()}`);
  const root = join(folder, "package");
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"));
  return { root, folder };
}

/** Ours as run from a clone: Bun on src/cli.ts, with Bun's defaults (extra flags or environment to compare). */
export function ours(python: string, label = OURS_DIRECT, bunFlags: string[] = [], env: Record<string, string> = {}): Server {
  return { label, names: OUR_NAMES, launch: (project) => ({ command: BUN, args: [...bunFlags, CLI, ...projectArgs(python, project)], env }) };
}

/**
 * The original: `python -m mcp_django` in the project's folder (on sys.path), settings from the
 * environment. The example project installs our Django app too (INSTALLED_APPS), so py/ is on
 * its path as well: it only imports an AppConfig.
 */
function theirs(python: string, names: Names): Server {
  return {
    label: THEIRS,
    names,
    launch: (project) => ({ command: python, args: ["-m", "mcp_django"], env: { DJANGO_SETTINGS_MODULE: project.settingsModule, PYTHONPATH: `${REPO}py` } }),
  };
}

async function connect(server: Server, project: Project): Promise<{ client: Client; pid: number; startedAt: number }> {
  const { command, args, env } = server.launch(project);
  const startedAt = performance.now();
  const transport = new StdioClientTransport({ command, args, cwd: project.root, env: cliEnv(env), stderr: "ignore" });
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(transport);
  return { client, pid: transport.pid!, startedAt };
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function errorText(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join(" ");
}

async function shell(client: Client, names: Names): Promise<void> {
  const result = await callTool(client, names.shell, { code: "1 + 1" });
  if (result.isError) throw new Error(`${names.shell} failed: ${errorText(result)}`);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Every route, page after page where the server pages; how many, or why it failed. */
async function listRoutes(client: Client, server: Server): Promise<{ routes: number } | { error: string }> {
  const paged = server.names === OUR_NAMES;
  let routes = 0;
  for (let offset: number | null | undefined = 0; offset != null; ) {
    const result = await callTool(client, server.names.listRoutes, paged ? { offset, limit: WHOLE_LIST } : {});
    if (result.isError) return { error: errorText(result).slice(0, 120) };
    // Ours: a page of routes (routes) and where the next starts; theirs: the list itself (result).
    const structured = result.structuredContent as (Paged & { routes?: unknown[]; result?: unknown[] }) | undefined;
    routes += (structured?.routes ?? structured?.result)?.length ?? Number.NaN;
    offset = structured?.has_more ? structured.next_offset : null;
  }
  return { routes };
}

/** Every model, page after page where the server pages; how many. */
async function readModels(client: Client, server: Server): Promise<number> {
  const paged = server.names === OUR_NAMES;
  let models = 0;
  for (let offset: number | null | undefined = 0; offset != null; ) {
    const uri = paged ? `${server.names.models}?offset=${offset}&limit=${WHOLE_LIST}` : server.names.models;
    const { contents } = await client.readResource({ uri });
    const parsed = JSON.parse((contents[0] as { text: string }).text) as unknown[] | (Paged & { models?: unknown[] });
    models += (Array.isArray(parsed) ? parsed : parsed.models)?.length ?? Number.NaN;
    offset = !Array.isArray(parsed) && parsed.has_more ? parsed.next_offset : null;
  }
  return models;
}

/** One server's life: the session every server gets, timed, then its tree's peak memory. */
async function runOnce(server: Server, project: Project): Promise<Round> {
  const { client, pid, startedAt } = await connect(server, project);
  try {
    const initializeMs = performance.now() - startedAt;
    await shell(client, server.names);
    const firstShellMs = performance.now() - startedAt;
    for (let i = 0; i < WARM_UP; i++) await shell(client, server.names);
    const trips: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) trips.push(await timed(() => shell(client, server.names)));
    const round: Round = { initializeMs, firstShellMs, roundTripMs: median(trips), modelsMs: Number.NaN, models: Number.NaN, rssMb: 0, processes: [] };
    // Cold: the first call imports every URLconf and view module.
    const started = performance.now();
    const first = await listRoutes(client, server);
    round.firstListRoutesMs = performance.now() - started;
    if ("error" in first) {
      round.listRoutesError = first.error;
    } else {
      round.routes = first.routes;
      const times: number[] = [];
      for (let i = 0; i < CALLS; i++) times.push(await timed(() => listRoutes(client, server)));
      round.listRoutesMs = median(times);
    }
    // A first read, untimed (the models listing has no cold figure): it counts them.
    round.models = await readModels(client, server);
    const modelTimes: number[] = [];
    for (let i = 0; i < CALLS; i++) modelTimes.push(await timed(() => readModels(client, server)));
    round.modelsMs = median(modelTimes);
    // Sampled last: the peak of the whole session, in every process the server started.
    round.processes = processTree(pid).map(({ name, peakRssMb }) => ({ name, mb: peakRssMb }));
    round.rssMb = round.processes.reduce((sum, process) => sum + process.mb, 0);
    return round;
  } finally {
    await client.close();
  }
}

/** Their names for our shell, list_routes and models resource, found in their lists; printed. */
async function discoverNames(python: string): Promise<Names> {
  const { client } = await connect(theirs(python, OUR_NAMES), exampleProject());
  try {
    const { tools } = await client.listTools();
    const { resources } = await client.listResources();
    const toolNamed = (pattern: RegExp, what: string) => {
      const found = tools.find((tool) => pattern.test(tool.name));
      if (!found) throw new Error(`the reference lists no ${what} tool (${tools.map((tool) => tool.name).join(", ")})`);
      return found.name;
    };
    const models = resources.find((resource) => /^django:\/\/(\w+\/)?models$/.test(resource.uri))?.uri;
    if (!models) throw new Error(`the reference lists no models resource (${resources.map((resource) => resource.uri).join(", ")})`);
    const names = { shell: toolNamed(/(^|_)(shell|execute)$/, "shell"), listRoutes: toolNamed(/(^|_)list_routes$/, "list_routes"), models };
    process.stdout.write(
      `\nReference tools: ${tools.map((tool) => tool.name).join(", ")}\nReference resources: ${resources.map((resource) => resource.uri).join(", ")}\n`,
    );
    process.stdout.write(`Compared: shell → ${names.shell}, list_routes → ${names.listRoutes}, django://models → ${names.models}\n`);
    return names;
  } finally {
    await client.close();
  }
}

export function exampleProject(): Project {
  return { label: "example project", root: EXAMPLE, settingsModule: "bookshop.settings" };
}

/** A line per interpreter: what each side runs on. */
function describeInterpreter(python: string): string {
  const result = Bun.spawnSync([python, "-c", "import sys, django; print(sys.version.split()[0], django.get_version())"], { stdout: "pipe", stderr: "ignore" });
  const [version = "?", django = "?"] = result.stdout.toString().trim().split(" ");
  return `${python}: Python ${version}, Django ${django}`;
}

export type Collected = Map<string, Round[]>;

export async function benchProject(project: Project, servers: Server[], rounds: number): Promise<Collected> {
  const collected: Collected = new Map(servers.map((server) => [server.label, []]));
  for (let round = 0; round < rounds; round++) {
    // Interleaved, order alternating: machine noise and warm caches hit both sides alike.
    const order = round % 2 ? [...servers].reverse() : servers;
    for (const server of order) collected.get(server.label)?.push(await runOnce(server, project));
  }
  return collected;
}

const medianOf = (rounds: Round[], pick: (round: Round) => number | undefined) =>
  median(rounds.map(pick).filter((value): value is number => value !== undefined && !Number.isNaN(value)));

export interface Summary {
  initialize: number;
  firstShell: number;
  roundTrip: number;
  firstListRoutes: number;
  listRoutes: number;
  listRoutesError?: string;
  routes: number;
  models: number;
  modelCount: number;
  rss: number;
  /** Each process's median peak, e.g. "bun 67.1 + python 58.7". */
  processes: string;
}

export function summarize(rounds: Round[]): Summary {
  const perName = new Map<string, number[]>();
  for (const round of rounds) {
    for (const { name, mb } of round.processes) perName.set(name, [...(perName.get(name) ?? []), mb]);
  }
  return {
    initialize: medianOf(rounds, (round) => round.initializeMs),
    firstShell: medianOf(rounds, (round) => round.firstShellMs),
    roundTrip: medianOf(rounds, (round) => round.roundTripMs),
    firstListRoutes: medianOf(rounds, (round) => (round.listRoutesError ? undefined : round.firstListRoutesMs)),
    listRoutes: medianOf(rounds, (round) => round.listRoutesMs),
    listRoutesError: rounds.find((round) => round.listRoutesError)?.listRoutesError,
    routes: medianOf(rounds, (round) => round.routes),
    models: medianOf(rounds, (round) => round.modelsMs),
    modelCount: medianOf(rounds, (round) => round.models),
    rss: medianOf(rounds, (round) => round.rssMb),
    processes: [...perName].map(([name, mbs]) => `${name} ${median(mbs).toFixed(1)}`).join(" + "),
  };
}

interface Targets {
  rss?: number;
  initialize?: number;
  firstShell?: number;
  roundTrip?: number;
  listRoutes?: number;
  models?: number;
}

/** The issue's targets, as ratios ours ÷ theirs, per project. */
const EXAMPLE_TARGETS: Targets = { rss: 0.85, initialize: 0.12, firstShell: 0.3, roundTrip: 0.3 };
const GENERATED_TARGETS: Targets = { rss: 0.85, listRoutes: 0.3, models: 0.5 };
/** Repeated list_routes on the generated project, server-side (the client's round trip). */
const GENERATED_LIST_ROUTES_MS = 30;

function ratio(name: string, ours: number, theirs: number, limit?: number): Figure {
  return { name, value: ours / theirs, unit: "x", target: limit === undefined ? undefined : { limit, text: `≤ ${limit}×` } };
}

function reportProject(project: Project, collected: Collected, targets: Targets, rounds: number): void {
  const summaries = new Map([...collected].map(([label, runs]) => [label, summarize(runs)]));
  const mine = summaries.get(OURS)!;
  const other = summaries.get(THEIRS)!;
  const direct = summaries.get(OURS_DIRECT)!;
  const each = (name: string, unit: Figure["unit"], pick: (summary: Summary) => number): Figure[] =>
    [...summaries].map(([label, summary]) => ({ name: `${name}, ${label}`, value: pick(summary), unit }));
  const figures: Figure[] = [
    ...each("spawn → initialize answered", "ms", (summary) => summary.initialize),
    ...each("spawn → first shell result", "ms", (summary) => summary.firstShell),
    ...each(`shell 1+1 round trip (median of ${ROUND_TRIPS})`, "ms", (summary) => summary.roundTrip),
    ...each("list_routes, first call", "ms", (summary) => summary.firstListRoutes),
    ...each(`list_routes (median of ${CALLS})`, "ms", (summary) => summary.listRoutes),
    ...each(`models listing (median of ${CALLS})`, "ms", (summary) => summary.models),
    ...each("peak RSS, whole process tree", "MB", (summary) => summary.rss),
  ].filter((figure) => !Number.isNaN(figure.value));
  report(`${project.label}: medians of ${rounds} rounds, servers interleaved`, figures);
  process.stdout.write(
    [
      `  peak RSS by process (MB): ${[...summaries].map(([label, summary]) => `${label}: ${summary.processes}`).join("; ")}`,
      `  routes listed: ours ${mine.routes}, theirs ${other.listRoutesError ? `none (list_routes fails: ${other.listRoutesError})` : other.routes}`,
      `  models listed: ours ${mine.modelCount} (every installed model), theirs ${other.modelCount} (the project's own apps)`,
      "",
    ].join("\n"),
  );
  const ratios: Figure[] = [
    ratio("peak RSS, whole process tree", mine.rss, other.rss, targets.rss),
    ratio(`peak RSS, whole process tree (${OURS_DIRECT})`, direct.rss, other.rss),
    ratio("spawn → initialize answered", mine.initialize, other.initialize, targets.initialize),
    ratio("spawn → first shell result", mine.firstShell, other.firstShell, targets.firstShell),
    ratio("shell round trip", mine.roundTrip, other.roundTrip, targets.roundTrip),
    ratio("list_routes, repeated", mine.listRoutes, other.listRoutes, targets.listRoutes),
    ratio("list_routes, first call", mine.firstListRoutes, other.firstListRoutes),
    ratio("models listing", mine.models, other.models, targets.models),
  ].filter((figure) => Number.isFinite(figure.value));
  report(`${project.label}: ours ÷ theirs (the issue's target where it sets one)`, ratios);
}

export async function benchCompare(python: string, rounds: number): Promise<void> {
  process.stdout.write(
    [
      "",
      "Ours against the original mcp-django. ours: the package as npm pack makes it, by its command (which execs Bun, JIT tiers off, on the bundle);",
      `${OURS_DIRECT}: Bun on the source, JIT on (a clone's npm start). theirs: python -m mcp_django.`,
      `  ours:   ${describeInterpreter(VENV_PYTHON)}`,
      `  theirs: ${describeInterpreter(python)}`,
      "",
    ].join("\n"),
  );
  const names = await discoverNames(python);
  const packed = packedPackage();
  try {
    const servers = [oursAsInstalled(VENV_PYTHON, packed.root), theirs(python, names), ours(VENV_PYTHON)];
    await compareOn(servers, rounds);
  } finally {
    rmSync(packed.folder, { recursive: true, force: true });
  }
}

async function compareOn(servers: Server[], rounds: number): Promise<void> {
  const example = exampleProject();
  reportProject(example, await benchProject(example, servers, rounds), EXAMPLE_TARGETS, rounds);

  // Without a functools.partial view: theirs can't name one, and its list_routes fails as a whole.
  const generated = generateProject(GENERATED_APPS, { partialView: false });
  const project: Project = {
    label: `generated project (${generated.apps} apps, ${generated.models} models, ${generated.routes} routes)`,
    root: generated.root,
    settingsModule: generated.settingsModule,
  };
  try {
    const collected = await benchProject(project, servers, rounds);
    reportProject(project, collected, GENERATED_TARGETS, rounds);
    report("generated project: the issue's absolute target", [
      {
        name: "list_routes, repeated, server-side (the client's round trip)",
        value: summarize(collected.get(OURS)!).listRoutes,
        unit: "ms",
        target: { limit: GENERATED_LIST_ROUTES_MS, text: `< ${GENERATED_LIST_ROUTES_MS} ms` },
      },
    ]);
  } finally {
    rmSync(generated.root, { recursive: true, force: true });
  }
}
