/** The project watcher on real folders: what counts as a change, when it is delivered, and what is never watched. */
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type ProjectWatcher, type WatchOptions, watchProject } from "../../src/project/watcher.ts";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { VENV_PYTHON } from "../support/paths.ts";
import { until } from "../support/wait.ts";

const defer = cleanupAfterEach();

/** A fresh folder with these files in it (relative path → content), removed after the test. */
function folder(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "mcp-django-watch-"));
  defer(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) write(root, path, content);
  return root;
}

function write(root: string, path: string, content = "x = 1\n"): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** A watcher on `roots` that records its onChange calls; closed after the test. */
function start(roots: string[], options: Partial<WatchOptions> = {}): { calls: string[][]; watcher: ProjectWatcher } {
  const calls: string[][] = [];
  const watcher = watchProject({ roots, onChange: (files) => calls.push(files), ...options });
  defer(() => watcher.close());
  return { calls, watcher };
}

/** What a flush right now delivers: the files of the one onChange call it made, or [] when it made none. */
function flushed(calls: string[][], watcher: ProjectWatcher): string[] {
  const before = calls.length;
  watcher.flush();
  expect(calls.length - before).toBeLessThanOrEqual(1);
  return calls[before] ?? [];
}

describe("watchProject", () => {
  test("a write by another process is seen by the flush right after it, every time", () => {
    const root = folder({ "app/models.py": "" });
    const { calls, watcher } = start([root]);
    const target = JSON.stringify(join(root, "app/models.py"));
    for (let i = 0; i < 50; i++) {
      const writer = Bun.spawnSync([VENV_PYTHON, "-c", `open(${target}, "w").write("x = ${i}\\n")`]);
      expect(writer.exitCode).toBe(0);
      expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
    }
    expect(calls).toHaveLength(50);
  });

  test("a save by rename over the file is a change of the file", () => {
    const root = folder({ "app/models.py": "" });
    const { calls, watcher } = start([root]);
    write(root, "app/models.py.tmp");
    renameSync(join(root, "app/models.py.tmp"), join(root, "app/models.py"));
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("a save that renames the file to a backup and writes it anew is a change of the file", () => {
    const root = folder({ "app/models.py": "" });
    const { calls, watcher } = start([root]);
    renameSync(join(root, "app/models.py"), join(root, "app/models.py~"));
    write(root, "app/models.py");
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("touching a file is a change", () => {
    const root = folder({ "app/models.py": "" });
    const { calls, watcher } = start([root]);
    utimesSync(join(root, "app/models.py"), new Date(), new Date(Date.now() + 5_000));
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("deleting a file is a change", () => {
    const root = folder({ "app/models.py": "" });
    const { calls, watcher } = start([root]);
    rmSync(join(root, "app/models.py"));
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("a burst of writes is delivered in the background as one call with all its files", async () => {
    const root = folder({ "app/__init__.py": "" });
    const { calls } = start([root], { quietMs: 200 });
    const files: string[] = [];
    for (let i = 0; i < 20; i++) {
      files.push(`app/module_${i}.py`);
      write(root, `app/module_${i}.py`);
      await Bun.sleep(2);
    }
    await until("the burst's onChange", () => calls.length);
    expect(calls).toEqual([files.sort()]);
  });

  test("a burst that never goes quiet is delivered after 500 ms anyway", async () => {
    const root = folder({ "app/models.py": "" });
    const { calls } = start([root], { quietMs: 300 });
    const endsAt = Date.now() + 1_000;
    while (Date.now() < endsAt) {
      write(root, "app/models.py", `x = ${Date.now()}\n`);
      await Bun.sleep(20);
    }
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls[0]).toEqual(["app/models.py"]);
  });

  test("templates, bytecode, editor leftovers and files in dependency, cache, VCS and virtualenv folders are neither watched nor reported", () => {
    const root = folder({
      "templates/index.html": "",
      "app/__init__.py": "",
      "app/__pycache__/models.cpython-312.pyc": "",
      ".venv/lib/python3.12/site-packages/django/__init__.py": "",
      "env/pyvenv.cfg": "home = /usr/bin\n",
      "env/lib/module.py": "",
      "node_modules/pkg/module.py": "",
      ".git/hooks/module.py": "",
      "site-packages/module.py": "",
      "mypkg.egg-info/module.py": "",
    });
    const { calls, watcher } = start([root]);
    expect(watcher.folderCount()).toBe(3); // the root, app and templates
    for (const path of [
      "templates/index.html",
      "app/__pycache__/models.cpython-312.pyc",
      "app/models.py~",
      "app/.#models.py",
      "app/.models.py.swp",
      "app/4913",
      "db.sqlite3",
      ".venv/lib/python3.12/site-packages/django/__init__.py",
      "env/lib/module.py",
      "node_modules/pkg/module.py",
      ".git/hooks/module.py",
      "site-packages/module.py",
      "mypkg.egg-info/module.py",
    ]) {
      write(root, path);
    }
    expect(flushed(calls, watcher)).toEqual([]);
    write(root, "app/models.py");
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("a symlink back up the tree is not walked in a cycle", () => {
    const root = folder({ "app/models.py": "" });
    symlinkSync(root, join(root, "app/loop"));
    const { calls, watcher } = start([root]);
    expect(watcher.folderCount()).toBe(2);
    write(root, "app/models.py");
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("a folder created after the start is watched", () => {
    const root = folder({ "app/__init__.py": "" });
    const { calls, watcher } = start([root]);
    mkdirSync(join(root, "app/payments"));
    expect(flushed(calls, watcher)).toEqual([]);
    expect(watcher.folderCount()).toBe(3);
    write(root, "app/payments/__init__.py");
    expect(flushed(calls, watcher)).toEqual(["app/payments/__init__.py"]);
  });

  test("files written in a new folder before its watch existed are reported", () => {
    const root = folder({ "app/__init__.py": "" });
    const { calls, watcher } = start([root]);
    write(root, "app/payments/providers/stripe.py");
    expect(flushed(calls, watcher)).toEqual(["app/payments/providers/stripe.py"]);
    expect(watcher.folderCount()).toBe(4);
  });

  test("a folder moved in is reported with the files in it, and watched", () => {
    const root = folder({ "app/__init__.py": "" });
    const outside = folder({ "payments/__init__.py": "", "payments/models.py": "" });
    const { calls, watcher } = start([root]);
    renameSync(join(outside, "payments"), join(root, "app/payments"));
    expect(flushed(calls, watcher)).toEqual(["app/payments/__init__.py", "app/payments/models.py"]);
    write(root, "app/payments/models.py");
    expect(flushed(calls, watcher)).toEqual(["app/payments/models.py"]);
  });

  test("a folder moved away is reported and no longer watched", () => {
    const root = folder({ "app/__init__.py": "", "app/legacy/models.py": "" });
    const outside = folder();
    const { calls, watcher } = start([root]);
    expect(watcher.folderCount()).toBe(3);
    renameSync(join(root, "app/legacy"), join(outside, "legacy"));
    expect(flushed(calls, watcher)).toEqual(["app/legacy"]);
    expect(watcher.folderCount()).toBe(2);
    write(outside, "legacy/models.py");
    expect(flushed(calls, watcher)).toEqual([]);
  });

  test("a virtualenv created after the start stops being watched", () => {
    const root = folder({ "app/__init__.py": "" });
    const { calls, watcher } = start([root]);
    write(root, "env/lib/placeholder");
    expect(flushed(calls, watcher)).toEqual([]);
    expect(watcher.folderCount()).toBe(4);
    write(root, "env/pyvenv.cfg", "home = /usr/bin\n");
    expect(flushed(calls, watcher)).toEqual([]);
    expect(watcher.folderCount()).toBe(2);
    write(root, "env/lib/module.py");
    expect(flushed(calls, watcher)).toEqual([]);
  });

  test("dotenv files are reported", () => {
    const root = folder();
    const { calls, watcher } = start([root]);
    write(root, ".env", "DEBUG=1\n");
    write(root, ".env.local", "DEBUG=0\n");
    write(root, "config/production.env", "DEBUG=0\n");
    expect(flushed(calls, watcher)).toEqual([".env", ".env.local", "config/production.env"]);
  });

  test("writes below an ignored folder are no longer reported", () => {
    const root = folder({ "app/__init__.py": "", "media/uploads/readme.py": "" });
    const { calls, watcher } = start([root]);
    expect(watcher.folderCount()).toBe(4);
    watcher.ignore([join(root, "media")]);
    expect(watcher.folderCount()).toBe(2);
    write(root, "media/uploads/readme.py");
    write(root, "media/new/module.py");
    expect(flushed(calls, watcher)).toEqual([]);
    write(root, "app/models.py");
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("a folder that holds a root (MEDIA_ROOT = BASE_DIR) is not ignored", () => {
    const root = folder({ "app/__init__.py": "" });
    const { calls, watcher } = start([root]);
    watcher.ignore([root, dirname(root)]);
    write(root, "app/models.py");
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("changedSinceStart accumulates across bursts, relative to the first root and absolute elsewhere", () => {
    const root = folder({ "app/__init__.py": "" });
    const library = folder({ "helpers.py": "" });
    const { watcher } = start([root, library]);
    expect(watcher.changedSinceStart()).toEqual([]);
    write(root, "app/views.py");
    watcher.flush();
    write(library, "helpers.py");
    watcher.flush();
    write(root, "app/views.py");
    write(root, "app/admin.py");
    watcher.flush();
    expect(watcher.changedSinceStart()).toEqual([join(library, "helpers.py"), "app/admin.py", "app/views.py"]);
  });

  test("a change queue overflow is reported as many files, and folders created meanwhile get watched", () => {
    const root = folder({ "a.py": "", "b.py": "" });
    const { calls, watcher } = start([root]);
    // Alternating between two files, so the kernel cannot merge the events into one.
    const limit = Number(readFileSync("/proc/sys/fs/inotify/max_queued_events", "utf8"));
    for (let i = 0; i <= limit; i++) utimesSync(join(root, i % 2 ? "a.py" : "b.py"), i, i);
    mkdirSync(join(root, "app")); // its event is lost
    expect(flushed(calls, watcher)).toContain("(many files: the change queue overflowed)");
    expect(watcher.folderCount()).toBe(2);
    write(root, "app/models.py");
    expect(flushed(calls, watcher)).toEqual(["app/models.py"]);
  });

  test("after close, writes make no call and flush does not throw", async () => {
    const root = folder({ "app/models.py": "" });
    const { calls, watcher } = start([root], { quietMs: 10 });
    watcher.close();
    write(root, "app/models.py");
    watcher.flush();
    watcher.close();
    await Bun.sleep(250); // longer than a poll and the quiet time: a background call would have come
    expect(calls).toEqual([]);
  });
});
