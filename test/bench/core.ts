import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliEnv, shell } from "../support/client.ts";
import { connectHttp, startHttp } from "../support/http.ts";
import { BUN, CLI, EXAMPLE, REPO, VENV_PYTHON } from "../support/paths.ts";
import { median, peakRssMb, report } from "./stats.ts";

const STARTS = 9;
const ROUND_TRIPS = 200;

interface StartTimes {
  initialize: number;
  firstShell: number;
}

/** The package's command: run as npx and installs run it, its shell part execs Bun (JIT tiers off); `node` runs it as the Node entry. */
const NODE_ENTRY = `${REPO}bin/mcp-django.mjs`;

/** How the server is started: Bun on src/cli.ts, or the package's command. */
type Launch = { command: string; args: string[] };
const DIRECT: Launch = { command: BUN, args: [CLI] };
const AS_INSTALLED: Launch = { command: NODE_ENTRY, args: [] };

/** A client connected to the server started as `launch`, in the example project. */
async function connectLaunched(launch: Launch): Promise<{ client: Client; transport: StdioClientTransport }> {
  const transport = new StdioClientTransport({
    command: launch.command,
    args: [...launch.args, "--python", VENV_PYTHON],
    cwd: EXAMPLE,
    env: cliEnv(),
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(transport);
  return { client, transport };
}

async function timeOneStart(launch: Launch = DIRECT): Promise<StartTimes> {
  const started = performance.now();
  const { client } = await connectLaunched(launch);
  const initialize = performance.now() - started;
  await shell(client, "1 + 1");
  const firstShell = performance.now() - started;
  await client.close();
  return { initialize, firstShell };
}

/** `python -c "import django; django.setup()"` for the same project: the floor a sidecar can't beat. */
export function timeDjangoSetup(cwd = EXAMPLE): number {
  const started = performance.now();
  const result = Bun.spawnSync([VENV_PYTHON, "-c", "import django; django.setup()"], {
    cwd,
    env: { ...process.env, DJANGO_SETTINGS_MODULE: "bookshop.settings" },
    stdout: "ignore",
  });
  if (result.exitCode !== 0) throw new Error("django.setup() failed for the example project");
  return performance.now() - started;
}

/** `shell` `1 + 1` round trips, after a warm-up. */
async function timeRoundTrips(client: Client): Promise<number[]> {
  for (let i = 0; i < 20; i++) await shell(client, "1 + 1");
  const trips: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const started = performance.now();
    await shell(client, "1 + 1");
    trips.push(performance.now() - started);
  }
  return trips;
}

async function timeHttpRoundTrips(): Promise<number[]> {
  const server = await startHttp("http");
  const { client, end } = await connectHttp(server);
  const trips = await timeRoundTrips(client);
  await end();
  await server.stop();
  return trips;
}

/** Peak RSS of the process the client started, after a few calls: `node bin/mcp-django.mjs` stays beside Bun; the command itself is Bun. */
async function peakRssOfStarted(launch: Launch): Promise<number> {
  const { client, transport } = await connectLaunched(launch);
  for (let i = 0; i < 20; i++) await shell(client, "1 + 1");
  const rss = peakRssMb(transport.pid!);
  await client.close();
  return rss;
}

export async function benchCore(): Promise<void> {
  const floors: number[] = [];
  const starts: StartTimes[] = [];
  const installedStarts: StartTimes[] = [];
  // Interleaved, so that machine noise hits both sides of the ratio alike.
  for (let i = 0; i < STARTS; i++) {
    floors.push(timeDjangoSetup());
    starts.push(await timeOneStart());
    installedStarts.push(await timeOneStart(AS_INSTALLED));
  }
  const initialize = median(starts.map((start) => start.initialize));
  const installedInitialize = median(installedStarts.map((start) => start.initialize));
  const floor = median(floors);
  const firstShell = median(starts.map((start) => start.firstShell));

  const { client, transport } = await connectLaunched(DIRECT);
  const sidecarPid = Number((await shell(client, "import os\nos.getpid()")).output.value);
  const trips = await timeRoundTrips(client);
  await shell(client, "big = 'x' * 5_000_000\nlen(big)");
  const bunRss = peakRssMb(transport.pid!);
  const pythonRss = peakRssMb(sidecarPid);
  await client.close();
  const installedBunRss = await peakRssOfStarted(AS_INSTALLED);
  const nodeEntryRss = await peakRssOfStarted({ command: "node", args: [NODE_ENTRY] });
  const httpTrips = await timeHttpRoundTrips();

  report("Core (stdio, example project)", [
    { name: `spawn → initialize answered (median of ${STARTS})`, value: initialize, unit: "ms", target: { limit: 200, text: "< 200 ms" } },
    {
      name: `spawn → initialize answered, bin/mcp-django.mjs as npx runs it (median of ${STARTS})`,
      value: installedInitialize,
      unit: "ms",
      target: { limit: 200, text: "< 200 ms" },
    },
    { name: "bin/mcp-django.mjs ÷ Bun directly, to initialize", value: installedInitialize / initialize, unit: "x" },
    {
      name: `spawn → first shell result, bin/mcp-django.mjs (median of ${STARTS})`,
      value: median(installedStarts.map((start) => start.firstShell)),
      unit: "ms",
    },
    { name: `python -c "import django; django.setup()" (floor)`, value: floor, unit: "ms" },
    {
      name: `spawn → first shell result (median of ${STARTS})`,
      value: firstShell,
      unit: "ms",
      target: { limit: 1.3 * floor + 150, text: "≤ 1.3 × floor + 150 ms" },
    },
    { name: "first shell result ÷ floor", value: firstShell / floor, unit: "x" },
    { name: `shell 1+1 round trip, stdio (median of ${ROUND_TRIPS})`, value: median(trips), unit: "ms", target: { limit: 1, text: "< 1 ms" } },
    { name: `shell 1+1 round trip, Streamable HTTP (median of ${ROUND_TRIPS})`, value: median(httpTrips), unit: "ms" },
    { name: "HTTP round trip ÷ stdio round trip", value: median(httpTrips) / median(trips), unit: "x" },
    { name: "peak RSS, Bun process (bun src/cli.ts: JIT on)", value: bunRss, unit: "MB" },
    { name: "peak RSS, Bun process (bin/mcp-django.mjs: JIT tiers off)", value: installedBunRss, unit: "MB" },
    { name: "peak RSS, Node's own process (node bin/mcp-django.mjs only)", value: nodeEntryRss, unit: "MB" },
    { name: "peak RSS, Python sidecar (after a 5 MB string)", value: pythonRss, unit: "MB" },
  ]);
}
