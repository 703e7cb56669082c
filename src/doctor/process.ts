/** How a process run by the doctor ended: never waited on past its deadline. */
export type Ended =
  | { started: true; code: number | null; timedOut: boolean; stdout: string; stderr: string }
  /** It could not be started at all (no such file, not executable). */
  | { started: false; error: string };

export interface RunOptions {
  cwd?: string;
  env: Record<string, string | undefined>;
  timeoutMs: number;
}

/** After the process ends, how long its pipes may stay open (held by something it started) before we stop reading. */
const DRAIN_MS = 1000;

async function collect(stream: ReadableStream<Uint8Array>, sink: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink(decoder.decode(chunk, { stream: true }));
  sink(decoder.decode());
}

/** Kills the whole process group: whatever the project's code started goes too. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * Runs `args` in a process group of its own with stdin closed, collecting its output. Past the
 * deadline the group is killed and `timedOut` is set: a hanging project is reported, never waited for.
 */
export async function runWithDeadline(args: string[], { cwd, env, timeoutMs }: RunOptions): Promise<Ended> {
  let child: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    child = Bun.spawn(args, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true });
  } catch (error) {
    return { started: false, error: (error as Error).message };
  }
  let stdout = "";
  let stderr = "";
  const reading = Promise.all([
    collect(child.stdout, (text) => {
      stdout += text;
    }),
    collect(child.stderr, (text) => {
      stderr += text;
    }),
  ]);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  killGroup(child.pid);
  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([reading, new Promise((resolve) => (drainTimer = setTimeout(resolve, DRAIN_MS)))]);
  clearTimeout(drainTimer);
  return { started: true, code: timedOut ? null : code, timedOut, stdout, stderr };
}

/** The last non-blank line a process wrote, cut to one terminal line's worth. */
export function lastLine(text: string, limit = 300): string {
  const line =
    text
      .split("\n")
      .findLast((candidate) => candidate.trim() !== "")
      ?.trim() ?? "";
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}
