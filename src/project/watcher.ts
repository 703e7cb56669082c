/**
 * Notices every change to the project's Python code (and dotenv files), so the next tool call runs
 * fresh code. On Linux it reads inotify synchronously: `flush()` at the start of a call sees a file
 * another process wrote just before it. Elsewhere fs.watch per folder is the best effort.
 */
import { type Dirent, type FSWatcher, readdirSync, realpathSync, type Stats, statSync, watch } from "node:fs";
import { join, resolve, sep } from "node:path";
import { log } from "../log.ts";
import {
  IN_CREATE,
  IN_DELETE,
  IN_IGNORED,
  IN_ISDIR,
  IN_MODIFY,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_Q_OVERFLOW,
  type Inotify,
  type InotifyEvent,
  openInotify,
} from "./inotify.ts";

export interface WatchOptions {
  /** Folders to watch recursively: the folder with manage.py, plus --pythonpath folders. Absolute. */
  roots: string[];
  /** Called with the changed files (paths relative to roots[0] when under it, else absolute), once per burst. */
  onChange(files: string[]): void;
  /** Quiet time that ends a burst of saves (default 50 ms); a burst is cut at 500 ms regardless. */
  quietMs?: number;
}

export interface ProjectWatcher {
  /** Reads every pending event now and, if any file changed, calls onChange synchronously before returning. Cheap (microseconds) when nothing changed. */
  flush(): void;
  /** Stops watching these folders and everything below them (e.g. MEDIA_ROOT, STATIC_ROOT, learned later). */
  ignore(dirs: string[]): void;
  /** Every file that changed since the watcher started, relative as above, sorted, deduplicated. */
  changedSinceStart(): string[];
  /** How many folders are watched (for logs, tests and the benchmark). */
  folderCount(): number;
  close(): void;
}

const DEFAULT_QUIET_MS = 50;
const MAX_BURST_MS = 500;
/** Reading an empty non-blocking inotify descriptor costs about a microsecond. */
const POLL_MS = 100;
const OVERFLOW = "(many files: the change queue overflowed)";
const SKIPPED_FOLDERS = new Set(["node_modules", "__pycache__", "site-packages"]);

interface Watch {
  wd: number;
  /** As reached from a root: what changes are reported under. */
  path: string;
  /** Symlinks resolved: what keeps a folder from being watched twice or walked in a cycle. */
  real: string;
}

/** Folders never worth watching: hidden ones (.git, .venv, .tox, caches), dependencies and build leftovers. */
function isSkippedFolder(name: string): boolean {
  return name.startsWith(".") || SKIPPED_FOLDERS.has(name) || name.endsWith(".egg-info");
}

/** Python sources and dotenv files; not editor lock files (.#x.py), backups (x.py~) or swap files (.env.swp). */
function isRelevant(name: string): boolean {
  if (name.endsWith(".py")) return !name.startsWith(".#");
  if (/\.sw[a-z]$/.test(name)) return false;
  return name === ".env" || name.startsWith(".env.") || name.endsWith(".env");
}

function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder + sep);
}

function listFolder(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return []; // gone or unreadable since it was seen
  }
}

function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function isFolder(path: string): boolean {
  return statOf(path)?.isDirectory() ?? false;
}

/**
 * fs.watch per folder behind the inotify interface, where there is no inotify. It cannot tell what
 * an event was, so it looks when the event arrives: a folder now (created or moved in), gone
 * (deleted or moved away), or a file that changed.
 */
function openFsWatch(): Inotify {
  const watchers = new Map<number, FSWatcher>();
  let queue: InotifyEvent[] = [];
  let nextWd = 1;
  return {
    add(dir) {
      const wd = nextWd++;
      try {
        const watcher = watch(dir, { persistent: false }, (_type, name) => {
          if (!name) return;
          const stats = statOf(join(dir, name));
          queue.push({ wd, name, mask: !stats ? IN_MOVED_FROM : stats.isDirectory() ? IN_ISDIR | IN_CREATE : IN_MODIFY });
        });
        watcher.on("error", () => watcher.close());
        watchers.set(wd, watcher);
        return wd;
      } catch {
        return undefined;
      }
    },
    remove(wd) {
      watchers.get(wd)?.close();
      watchers.delete(wd);
    },
    read() {
      const events = queue;
      queue = [];
      return events;
    },
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/** inotify where there is one; else fs.watch, saying so where inotify was expected (Linux). */
function openBackend(): Inotify {
  const inotify = openInotify();
  if (inotify && !("unavailable" in inotify)) {
    log.debug("watching the project's code with inotify");
    return inotify;
  }
  if (inotify) {
    log.warn(
      `watching the project's code with fs.watch, as inotify is unavailable (${inotify.unavailable}): a file saved just before a call may only be seen by the call after it`,
    );
  }
  return openFsWatch();
}

export function watchProject(options: WatchOptions): ProjectWatcher {
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  const base = resolve(options.roots[0] ?? ".");
  const backend = openBackend();
  const byWd = new Map<number, Watch>();
  const byPath = new Map<string, Watch>();
  const byReal = new Map<string, Watch>();
  const ignored: string[] = [];
  const pending = new Set<string>();
  const sinceStart = new Set<string>();
  const failed: string[] = [];
  let warned = false;
  let closed = false;
  let burstStart = 0;
  let lastSeen = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const relative = (path: string): string => (path.startsWith(base + sep) ? path.slice(base.length + 1) : path);

  const note = (file: string): void => {
    const now = performance.now();
    if (!pending.size) burstStart = now;
    lastSeen = now;
    pending.add(file);
  };

  const isIgnored = (watch: Pick<Watch, "path" | "real">): boolean => ignored.some((dir) => isUnder(watch.path, dir) || isUnder(watch.real, dir));

  const remember = (watch: Watch): void => {
    byWd.set(watch.wd, watch);
    byPath.set(watch.path, watch);
    byReal.set(watch.real, watch);
  };

  const forget = (watch: Watch): void => {
    byWd.delete(watch.wd);
    byPath.delete(watch.path);
    byReal.delete(watch.real);
  };

  /** Stops watching the folders that match. */
  const drop = (matches: (watch: Watch) => boolean): void => {
    for (const watch of [...byWd.values()]) {
      if (!matches(watch)) continue;
      backend.remove(watch.wd);
      forget(watch);
    }
  };

  /**
   * Watches `path` and the folders below it. `report` notes the relevant files found: in a folder
   * that appeared after the start they may have been written before its watch existed.
   */
  const walk = (path: string, real: string, report: boolean, visited: Set<string>): void => {
    if (visited.has(real) || isIgnored({ path, real })) return;
    visited.add(real);
    let fresh: Watch | undefined;
    if (!byReal.has(real)) {
      const wd = backend.add(path);
      if (wd === undefined) {
        if (isFolder(path)) failed.push(path);
        return;
      }
      if (byWd.has(wd)) return; // the same folder reached another way (a bind mount)
      fresh = { wd, path, real };
    }
    // Listed after the watch exists, so nothing written in between is missed.
    const entries = listFolder(path);
    if (entries.some((entry) => entry.name === "pyvenv.cfg")) {
      if (fresh) backend.remove(fresh.wd);
      return;
    }
    if (fresh) remember(fresh);
    for (const entry of entries) {
      const child = join(path, entry.name);
      const symlinked = entry.isSymbolicLink() && isFolder(child);
      if (entry.isDirectory() || symlinked) {
        if (isSkippedFolder(entry.name)) continue;
        const childReal = symlinked ? realPathOf(child) : join(real, entry.name);
        if (childReal) walk(child, childReal, report, visited);
      } else if (report && isRelevant(entry.name)) {
        note(relative(child));
      }
    }
  };

  const walkRoots = (): void => {
    const visited = new Set<string>();
    for (const root of options.roots) {
      const path = resolve(root);
      const real = realPathOf(path);
      if (real) walk(path, real, false, visited);
    }
  };

  const warnOnce = (): void => {
    const [first] = failed;
    if (warned || first === undefined) return;
    warned = true;
    log.warn(
      `could not watch ${failed.length} folders (e.g. ${relative(first)}): changes there go unnoticed; raise fs.inotify.max_user_watches (sysctl) to watch them`,
    );
  };

  const handle = (event: InotifyEvent): void => {
    if (event.mask & IN_Q_OVERFLOW) {
      // Events were lost, folder deletions and creations among them: watch the tree afresh.
      note(OVERFLOW);
      drop(() => true);
      walkRoots();
      return;
    }
    const watch = byWd.get(event.wd);
    if (!watch) return; // a watch dropped already, whose last events were still queued
    if (event.mask & IN_IGNORED) {
      forget(watch);
      return;
    }
    const { name } = event;
    if (!name) return; // about the folder itself: its parent reports it
    const path = join(watch.path, name);
    if (event.mask & (IN_MOVED_FROM | IN_DELETE) && byPath.has(path)) {
      drop((other) => isUnder(other.path, path));
      // A package moved out of the project: its modules are gone although no file event says so.
      if (event.mask & IN_MOVED_FROM) note(relative(path));
      return;
    }
    if (event.mask & IN_ISDIR) {
      const appeared = event.mask & (IN_CREATE | IN_MOVED_TO);
      if (appeared && !isSkippedFolder(name) && !byPath.has(path)) walk(path, join(watch.real, name), true, new Set());
      return;
    }
    if (name === "pyvenv.cfg" && event.mask & (IN_CREATE | IN_MOVED_TO)) {
      drop((other) => isUnder(other.path, watch.path)); // a virtualenv being created here
      return;
    }
    if (isRelevant(name)) note(relative(path));
  };

  const drain = (): void => {
    try {
      for (const event of backend.read()) handle(event);
    } catch (error) {
      log.warn(`project watcher: ${(error as Error).message ?? error}`);
    }
    warnOnce();
  };

  const emit = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const files = [...pending].sort();
    pending.clear();
    for (const file of files) sinceStart.add(file);
    options.onChange(files);
  };

  /** Delivers the burst once it has been quiet for quietMs, or has lasted MAX_BURST_MS. */
  const schedule = (): void => {
    if (!pending.size || timer) return;
    const wait = Math.min(lastSeen + quietMs, burstStart + MAX_BURST_MS) - performance.now();
    if (wait <= 0) {
      emit();
      return;
    }
    timer = setTimeout(() => inBackground(settle), wait);
    timer.unref();
  };

  const poll = (): void => {
    drain();
    schedule();
  };

  const settle = (): void => {
    timer = undefined;
    poll();
  };

  // A timer's exception would end the process: onChange's is logged instead.
  const inBackground = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      log.error(`project watcher: onChange failed: ${(error as Error).message ?? error}`);
    }
  };

  walkRoots();
  warnOnce();
  const poller = setInterval(() => inBackground(poll), POLL_MS);
  poller.unref();

  return {
    flush() {
      if (closed) return;
      drain();
      if (pending.size) emit();
    },
    ignore(dirs) {
      for (const dir of dirs) {
        const path = resolve(dir);
        // MEDIA_ROOT = BASE_DIR would stop all watching: a folder holding a root is not ignored.
        if (options.roots.some((root) => isUnder(resolve(root), path))) continue;
        ignored.push(path);
        const real = realPathOf(path);
        if (real && real !== path) ignored.push(real);
      }
      drop(isIgnored);
    },
    changedSinceStart: () => [...sinceStart].sort(),
    folderCount: () => byWd.size,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(poller);
      clearTimeout(timer);
      backend.close();
    },
  };
}
