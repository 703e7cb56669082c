/**
 * Introspection answers are kept while the code is unchanged (src/django/cache.ts), and dropped
 * when it changes, when the sidecar is replaced, and when project code runs: the real CLI over
 * stdio, in a copy of the example project that the tests edit.
 */
import { describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { cleanupAfterEach } from "./support/cleanup.ts";
import { type Connected, connect, shell, textOf } from "./support/client.ts";
import { copyExample, type ExampleCopy } from "./support/example-copy.ts";
import { until } from "./support/wait.ts";

const defer = cleanupAfterEach();

async function serveCopy(): Promise<{ example: ExampleCopy; server: Connected }> {
  const example = copyExample();
  defer(() => example.remove());
  const server = await connect({ cwd: example.root });
  defer(() => server.close());
  return { example, server };
}

async function routeNames(client: Client): Promise<string[]> {
  const result = (await client.callTool({ name: "list_routes", arguments: {} })) as CallToolResult;
  if (result.isError) throw new Error(textOf(result));
  return (result.structuredContent as { routes: { name: string | null }[] }).routes.map((route) => route.name ?? "");
}

async function sidecarPid(client: Client): Promise<number> {
  const { contents } = await client.readResource({ uri: "django://project" });
  return (JSON.parse((contents[0] as { text: string }).text) as { mcp: { pid: number } }).mcp.pid;
}

describe("introspection answers", () => {
  test("a repeated list_routes is answered without the sidecar (suspended here) while the code is unchanged", async () => {
    const { server } = await serveCopy();
    const pid = await sidecarPid(server.client);
    const names = await routeNames(server.client);
    process.kill(pid, "SIGSTOP");
    defer(() => process.kill(pid, "SIGCONT"));
    const again = await Promise.race([routeNames(server.client), Bun.sleep(5_000).then(() => "no answer within 5 s")]);
    expect(again).toEqual(names);
  });

  test("a kept list_routes is dropped after an edit: the next one has the new route", async () => {
    const { example, server } = await serveCopy();
    await routeNames(server.client);
    expect(await routeNames(server.client)).not.toContain("book-fresh");
    example.edit("catalog/urls.py", '    path("search/"', '    path("fresh/", views.search, name="book-fresh"),\n    path("search/"');
    expect(await routeNames(server.client)).toContain("book-fresh");
  });

  test("a kept answer is dropped when the sidecar is replaced: django://project then names the new process", async () => {
    const { server } = await serveCopy();
    const first = await sidecarPid(server.client);
    expect(await sidecarPid(server.client)).toBe(first);
    process.kill(first, "SIGKILL");
    await until("the server to see the sidecar end", () => server.stderr().includes("the Python sidecar ended"));
    const second = await sidecarPid(server.client);
    expect(second).not.toBe(first);
  });

  test("a route the shell adds at run time is in the next list_routes", async () => {
    const { server } = await serveCopy();
    expect(await routeNames(server.client)).not.toContain("added-at-run-time");
    const added = await shell(
      server.client,
      "from django.urls import path\nimport bookshop.urls\nbookshop.urls.urlpatterns.append(path('run-time/', lambda request: None, name='added-at-run-time'))",
    );
    expect(added.status).toBe("success");
    expect(await routeNames(server.client)).toContain("added-at-run-time");
  });
});
