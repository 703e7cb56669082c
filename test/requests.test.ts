/**
 * request, logs and last_error through the real CLI over stdio, on a copy of the example project:
 * its views that render templates, loop over queries, raise, write, send mail and need a login,
 * with eight books seeded, mail going to files (so a mail really sent would show up there), and
 * a view that never ends. Then attached to a running dev server: a browser's error is the last error.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { CommandRun, LastError, LogList, Probe } from "../src/contract/payloads.ts";
import { cleanupAfterAll } from "./support/cleanup.ts";
import { type Connected, connect, shell, textOf } from "./support/client.ts";
import { attachToDevServer, type DevServer } from "./support/devserver.ts";
import { copyExample, type ExampleCopy } from "./support/example-copy.ts";
import { startMarkers, until } from "./support/wait.ts";

const deferAll = cleanupAfterAll();
const markers = startMarkers();
deferAll(() => markers.dispose());

const SLOW_VIEW = `

def slow(request):
    """Writes, then never answers."""
    import time

    Tag.objects.create(name="Slow", slug="slow")
    if request.GET.get("marker"):
        open(request.GET["marker"], "w").close()
    while True:
        time.sleep(0.05)
`;

let copy: ExampleCopy;
let server: Connected;
beforeAll(async () => {
  copy = copyExample();
  deferAll(() => copy.remove());
  copy.write(
    "bookshop/settings.py",
    `${copy.read("bookshop/settings.py")}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = BASE_DIR / "sent-mail"
`,
  );
  copy.write("bookshop/views.py", `${copy.read("bookshop/views.py")}${SLOW_VIEW}`);
  copy.edit(
    "bookshop/urls.py",
    '    path("account/", views.account, name="account"),\n',
    '    path("account/", views.account, name="account"),\n    path("debug/slow/", views.slow),\n',
  );
  server = await connect({ cwd: copy.root });
  deferAll(() => server.close());
  const seeded = (await server.client.callTool({ name: "run_command", arguments: { name: "seed_catalog", args: ["--books", "8"] } })) as CallToolResult;
  expect((seeded.structuredContent as unknown as CommandRun).status).toBe(0);
});

async function callTool(client: Connected, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.client.callTool({ name, arguments: args })) as CallToolResult;
}

async function request(args: Record<string, unknown>, client = server): Promise<Probe> {
  const result = await callTool(client, "request", args);
  if (result.isError) throw new Error(`request tool error: ${textOf(result)}`);
  return result.structuredContent as unknown as Probe;
}

async function python(code: string, client = server): Promise<string | undefined> {
  const result = await shell(client.client, code);
  if (result.status !== "success") throw new Error(`shell failed: ${JSON.stringify(result.output)}`);
  return result.output.value;
}

/** The line of the copy's file that contains `text` (1-based). */
function lineOf(file: string, text: string): number {
  return (
    copy
      .read(file)
      .split("\n")
      .findIndex((line) => line.includes(text)) + 1
  );
}

describe("request", () => {
  test("GET / is 200 with the view and its line, the templates in render order with their files, and the SQL", async () => {
    const probe = await request({ path: "/" });
    expect(probe.status).toBe(200);
    expect(probe.view?.view).toMatchObject({
      name: "bookshop.views.home",
      source_path: join(copy.root, "bookshop/views.py"),
      line: lineOf("bookshop/views.py", "def home("),
    });
    expect(probe.templates.map(({ name, origin }) => [name, origin])).toEqual([
      ["home.html", join(copy.root, "bookshop/templates/home.html")],
      ["base.html", join(copy.root, "bookshop/templates/base.html")],
    ]);
    expect(probe.sql.count).toBe(1);
    expect(probe.sql.queries[0]?.sql).toContain('FROM "catalog_book" INNER JOIN "catalog_publisher"');
  });

  test("the shelf's publisher lookup, once per book, is grouped with its count and flagged likely_n_plus_one", async () => {
    const probe = await request({ path: "/shelf/" });
    const lookup = probe.sql.repeated.find((group) => group.sql.includes('FROM "catalog_publisher"'));
    expect(lookup).toMatchObject({ count: 8, likely_n_plus_one: true });
    expect(lookup?.sql).toEndWith('WHERE "catalog_publisher"."id" = ? LIMIT ?');
  });

  test("a view that raises is a 500 whose first project frame is the line that raised", async () => {
    const probe = await request({ path: "/debug/boom/" });
    expect(probe.status).toBe(500);
    expect(probe.exception).toMatchObject({ exc_type: "ValueError", message: "the bookshop fell over" });
    const first = probe.exception?.frames.find((frame) => frame.project);
    expect(first).toMatchObject({
      file: join(copy.root, "bookshop/views.py"),
      line: lineOf("bookshop/views.py", 'raise ValueError("the bookshop fell over")'),
      function: "boom",
    });
  });

  test("a POST with commit false is rolled back: the result says so and the row isn't there afterwards", async () => {
    const probe = await request({ method: "POST", path: "/tags/new/", data: { name: "Rolled Back" } });
    expect(probe.status).toBe(201);
    expect(probe.transaction).toMatchObject({ writes: 1, committed: false, rolled_back: true });
    expect(probe.notes.join("\n")).toContain("rolled back: nothing was saved");
    expect(await python("from catalog.models import Tag\nTag.objects.filter(name='Rolled Back').exists()")).toBe("False");
  });

  test("a POST with commit true keeps the row", async () => {
    const probe = await request({ method: "POST", path: "/tags/new/", data: { name: "Committed" }, commit: true });
    expect(probe.transaction).toMatchObject({ writes: 1, committed: true, rolled_back: false });
    expect(await python("from catalog.models import Tag\nTag.objects.filter(name='Committed').exists()")).toBe("True");
  });

  test("the login-required view redirects an anonymous request to the login page", async () => {
    const probe = await request({ path: "/account/" });
    expect(probe.status).toBe(302);
    expect(probe.headers.Location).toBe("/admin/login/?next=/account/");
  });

  test('the login-required view is 200 for user "alice"', async () => {
    const probe = await request({ path: "/account/", user: "alice" });
    expect(probe.status).toBe(200);
    expect(probe.request.user).toBe("alice");
    expect(probe.body?.text).toBe("Signed in as alice");
  });

  test("the contact form's mail is reported and not sent: the project's file backend wrote nothing, no outbox is left", async () => {
    const probe = await request({ method: "POST", path: "/contact/", data: { subject: "Opening hours", message: "Open on Sunday?" } });
    expect(probe.mail).toEqual([
      {
        subject: "Contact form: Opening hours",
        from_email: "shop@bookshop.example.com",
        to: ["owner@bookshop.example.com"],
        cc: [],
        bcc: [],
        reply_to: [],
        body: "Open on Sunday?",
        attachments: 0,
        alternatives: [],
      },
    ]);
    const sent = join(copy.root, "sent-mail");
    expect(existsSync(sent) ? readdirSync(sent) : []).toEqual([]);
    expect(await python("from django.conf import settings\nfrom django.core import mail\n(settings.EMAIL_BACKEND, hasattr(mail, 'outbox'))")).toBe(
      "('django.core.mail.backends.filebased.EmailBackend', False)",
    );
  });

  test("a path that resolves nowhere is a 404 with a note naming the closest routes", async () => {
    const probe = await request({ path: "/shelff/" });
    expect(probe.status).toBe(404);
    expect(probe.view).toBeNull();
    expect(probe.notes[0]).toStartWith("/shelff/ resolves to no route.");
    expect(probe.notes[0]).toContain("/shelf/ (name 'shelf')");
  });

  test("an unknown user is a tool error naming it", async () => {
    const result = await callTool(server, "request", { path: "/account/", user: "nobody" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("No user 'nobody'");
  });

  test("json and data together are refused with a tool error", async () => {
    const result = await callTool(server, "request", { method: "POST", path: "/tags/new/", data: { name: "x" }, json: { name: "x" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("Give either data (form fields) or json (a JSON body), not both.");
  });

  test("a request past timeout_seconds is interrupted in the same sidecar, with its write rolled back", async () => {
    const pid = await python("import os\nos.getpid()");
    const started = performance.now();
    const probe = await request({ path: "/debug/slow/", commit: true, timeout_seconds: 1 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(probe).toMatchObject({ status: null, interrupted: "timeout" });
    expect(probe.sql.queries[0]?.sql).toStartWith('INSERT INTO "catalog_tag"');
    expect(await python("from catalog.models import Tag\nTag.objects.filter(name='Slow').exists()")).toBe("False");
    expect(await python("import os\nos.getpid()")).toBe(pid);
  });

  test("cancelling the request interrupts the view in the same sidecar", async () => {
    const pid = await python("import os\nos.getpid()");
    const started = markers.next();
    const controller = new AbortController();
    const call = server.client.callTool({ name: "request", arguments: { path: `/debug/slow/?marker=${encodeURIComponent(started.path)}` } }, undefined, {
      signal: controller.signal,
    });
    await until("the view to start", () => existsSync(started.path));
    controller.abort("test cancels");
    await expect(call).rejects.toThrow();
    // The sidecar runs one call at a time: this only answers quickly if the view was interrupted.
    const began = performance.now();
    expect(await python("from catalog.models import Tag\nTag.objects.filter(name='Slow').exists()")).toBe("False");
    expect(performance.now() - began).toBeLessThan(3000);
    expect(await python("import os\nos.getpid()")).toBe(pid);
  });

  test("is not read-only, not destructive (it rolls back by default), and open-world", async () => {
    const { tools } = await server.client.listTools();
    const annotations = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    expect(annotations.request).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    expect(annotations.logs).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(annotations.last_error).toMatchObject({ readOnlyHint: true, destructiveHint: false });
  });
});

describe("logs and last_error in mcp-django's own sidecar", () => {
  test("logs has what a probe's failing view logged, with its exception", async () => {
    await request({ path: "/debug/boom/" });
    const result = await callTool(server, "logs", { level: "ERROR", logger: "django.request", since: 60 });
    const { records } = result.structuredContent as unknown as LogList;
    expect(records.at(-1)).toMatchObject({ level: "ERROR", logger: "django.request", message: "Internal Server Error: /debug/boom/" });
    expect(records.at(-1)?.exception).toContain("ValueError: the bookshop fell over");
  });

  test("last_error is the probe's exception, marked as the probe's", async () => {
    await request({ path: "/debug/boom/" });
    const found = (await callTool(server, "last_error", {})).structuredContent as unknown as LastError;
    expect(found.error).toMatchObject({ method: "GET", path: "/debug/boom/", source: "probe", exception: { exc_type: "ValueError" } });
    expect(found.mcp.mode).toBe("spawned");
  });
});

describe("attached to a running dev server", () => {
  let devServer: DevServer;
  let attached: Connected;
  beforeAll(async () => {
    ({ devServer, server: attached } = await attachToDevServer(deferAll));
  });

  test("before any error, last_error says none was recorded since recording started, without an error", async () => {
    const result = await callTool(attached, "last_error", {});
    expect(result.isError).toBeFalsy();
    const found = result.structuredContent as unknown as LastError;
    expect(found).toMatchObject({ error: null, recorded: 0, mcp: { mode: "attached" } });
    expect(found.note).toBe(`No unhandled request exception recorded since ${found.recording_since}.`);
  });

  test("a browser's request to the raising view is the last error, with its path and the project's line", async () => {
    expect((await fetch(`${devServer.url}/debug/boom/?from=browser`)).status).toBe(500);
    const found = (await callTool(attached, "last_error", {})).structuredContent as unknown as LastError;
    expect(found.error).toMatchObject({ method: "GET", path: "/debug/boom/?from=browser", user: null, source: "request" });
    expect(found.error?.exception.origin).toMatchObject({ function: "boom", project: true });
  });

  test("logs(level=ERROR) has the browser's error as Django logged it", async () => {
    expect((await fetch(`${devServer.url}/debug/boom/?from=logs`)).status).toBe(500);
    const logs = (await callTool(attached, "logs", { level: "ERROR" })).structuredContent as unknown as LogList;
    expect(logs.records.map((record) => record.message)).toContain("Internal Server Error: /debug/boom/");
    expect(logs.records.at(-1)?.exception).toContain("ValueError: the bookshop fell over");
  });

  test("django://errors/last is the same as last_error", async () => {
    expect((await fetch(`${devServer.url}/debug/boom/?from=resource`)).status).toBe(500);
    const { contents } = await attached.client.readResource({ uri: "django://errors/last" });
    const found = JSON.parse((contents[0] as { text: string }).text) as LastError;
    expect(found.error?.path).toBe("/debug/boom/?from=resource");
  });

  test("a probe runs in the dev server, on its database", async () => {
    const probe = await request({ path: "/health/" }, attached);
    expect(probe.body?.json).toMatchObject({ status: "ok" });
  });
});
