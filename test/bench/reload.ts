/**
 * Picking up edits: how long the first call after a save takes (the fresh sidecar prepared in
 * the background, or started on demand), and what watching a large tree costs while nothing changes.
 */
import { readFileSync, rmSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliEnv, shell } from "../support/client.ts";
import { copyExample } from "../support/example-copy.ts";
import { BUN, CLI, VENV_PYTHON } from "../support/paths.ts";
import { timeDjangoSetup } from "./core.ts";
import { generateProject } from "./generated-project.ts";
import { median, report, rssMb } from "./stats.ts";

const PLAIN_CALLS = 50;
const SAVES = 7;
/** The "a save 3 s before the next call". */
const SAVE_AHEAD_MS = 3_000;
/** 400 generated apps of 5 files each: about 2,000 Python files in 400 folders. */
const LARGE_TREE_APPS = 400;
const IDLE_MS = 5_000;

async function serve(cwd: string, args: string[] = []): Promise<{ client: Client; pid: number }> {
  const transport = new StdioClientTransport({
    command: BUN,
    args: [CLI, "--python", VENV_PYTHON, "--no-attach", ...args],
    cwd,
    env: cliEnv(),
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(transport);
  return { client, pid: transport.pid! };
}

async function timeCall(client: Client): Promise<number> {
  const started = performance.now();
  await shell(client, "1 + 1");
  return performance.now() - started;
}

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
}

/** The Bun process's CPU time over an idle spell, and its RSS after it, with or without the watcher. */
async function idleCost(root: string, args: string[]): Promise<{ cpu: number; rss: number }> {
  const { client, pid } = await serve(root, args);
  await shell(client, "1 + 1");
  const before = cpuMs(pid);
  await Bun.sleep(IDLE_MS);
  const cost = { cpu: cpuMs(pid) - before, rss: rssMb(pid) };
  await client.close();
  return cost;
}

export async function benchReload(): Promise<void> {
  const example = copyExample();
  const { client } = await serve(example.root);
  for (let i = 0; i < 10; i++) await timeCall(client);
  const plain: number[] = [];
  for (let i = 0; i < PLAIN_CALLS; i++) plain.push(await timeCall(client));
  let edits = 0;
  const save = () => example.edit("catalog/models.py", "class Book(", `# edit ${++edits}\nclass Book(`);
  const ahead: number[] = [];
  const immediate: number[] = [];
  const floors: number[] = [];
  // Interleaved, so that machine noise hits every figure alike.
  for (let i = 0; i < SAVES; i++) {
    save();
    await Bun.sleep(SAVE_AHEAD_MS);
    ahead.push(await timeCall(client));
    save();
    immediate.push(await timeCall(client));
    floors.push(timeDjangoSetup(example.root));
  }
  await client.close();
  example.remove();

  const large = generateProject(LARGE_TREE_APPS);
  const watching: { cpu: number; rss: number }[] = [];
  const notWatching: { cpu: number; rss: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const settings = ["--settings", large.settingsModule];
    watching.push(await idleCost(large.root, settings));
    notWatching.push(await idleCost(large.root, [...settings, "--no-reload"]));
  }
  rmSync(large.root, { recursive: true, force: true });

  const plainMedian = median(plain);
  const floor = median(floors);
  report("Picking up edits (stdio, a copy of the example project)", [
    { name: `shell 1+1, no change (median of ${PLAIN_CALLS})`, value: plainMedian, unit: "ms" },
    {
      name: `first call, saved ${SAVE_AHEAD_MS / 1000} s before (median of ${SAVES})`,
      value: median(ahead),
      unit: "ms",
      target: { limit: 1.5 * plainMedian + 50, text: "≤ 1.5 × no change + 50 ms" },
    },
    { name: `python -c "import django; django.setup()" (floor)`, value: floor, unit: "ms" },
    {
      name: `first call, saved just before (median of ${SAVES})`,
      value: median(immediate),
      unit: "ms",
      target: { limit: floor + 300, text: "≤ floor + 300 ms" },
    },
  ]);
  report(`Watching ${large.apps * 5 + 3} Python files in ${large.apps + 1} folders, idle ${IDLE_MS / 1000} s (median of 3)`, [
    { name: "CPU time of the Bun process, watching", value: median(watching.map((run) => run.cpu)), unit: "ms" },
    { name: "CPU time of the Bun process, --no-reload", value: median(notWatching.map((run) => run.cpu)), unit: "ms" },
    { name: "RSS of the Bun process, watching", value: median(watching.map((run) => run.rss)), unit: "MB" },
    { name: "RSS of the Bun process, --no-reload", value: median(notWatching.map((run) => run.rss)), unit: "MB" },
  ]);
}
