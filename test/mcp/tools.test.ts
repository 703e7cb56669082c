/** The tools over createServer() and the in-memory transport, with a fake Django service. */
import { afterEach, describe, expect, test } from "bun:test";
import { type CallToolResult, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { DjangoService } from "../../src/django/service.ts";
import { CallCancelledError, ProjectError, ShuttingDownError, SidecarLostError, SidecarProtocolError } from "../../src/errors.ts";
import { textOf } from "../support/client.ts";
import { FAKE_ROUTES, fakeDjango } from "../support/fake-django.ts";
import { connectInProcess, type InProcess } from "../support/in-process.ts";

let connected: InProcess | undefined;

afterEach(async () => {
  await connected?.close();
  connected = undefined;
});

async function connectWith(django: DjangoService): Promise<InProcess> {
  connected = await connectInProcess(django);
  return connected;
}

async function call(django: DjangoService, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const { client } = await connectWith(django);
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

const failing = (error: Error): Partial<DjangoService> => ({
  routes: async () => {
    throw error;
  },
});

describe("tool annotations", () => {
  test("only the shell is destructive; every other tool is read-only", async () => {
    const { client } = await connectWith(fakeDjango());
    const { tools } = await client.listTools();
    const annotations = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    expect(annotations.shell?.destructiveHint).toBe(true);
    expect(annotations.shell?.readOnlyHint).toBe(false);
    for (const name of ["list_routes", "read_resource", "search_djangopackages"]) expect(annotations[name]?.readOnlyHint).toBe(true);
  });

  test("every tool says all five annotations: title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint", async () => {
    const { client } = await connectWith(fakeDjango());
    const { tools } = await client.listTools();
    for (const tool of tools) {
      expect(Object.keys(tool.annotations ?? {}).sort()).toEqual(["destructiveHint", "idempotentHint", "openWorldHint", "readOnlyHint", "title"]);
    }
  });

  test("read_resource is open-world: it reads djangopackages.org", async () => {
    const { client } = await connectWith(fakeDjango());
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === "read_resource")?.annotations?.openWorldHint).toBe(true);
  });
});

describe("tool calls the SDK would answer wrongly", () => {
  test("an unknown tool is JSON-RPC error -32602 naming the tools, not an isError result", async () => {
    const { client } = await connectWith(fakeDjango());
    const error = await client.callTool({ name: "no_such_tool", arguments: {} }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((error as McpError).message).toContain('Unknown tool "no_such_tool". This server\'s tools: shell, list_routes');
  });
});

describe("list_routes", () => {
  test("passes the filters to the service and returns its routes, structured and as JSON text", async () => {
    const django = fakeDjango();
    const result = await call(django, "list_routes", { method: "GET", name: "book" });
    expect(django.calls.routes).toEqual([{ method: "GET", name: "book" }]);
    const whole = { ...FAKE_ROUTES, matched: 1, offset: 0, next_offset: null, has_more: false };
    expect(result.structuredContent).toEqual(whole);
    expect(JSON.parse(textOf(result))).toEqual(whole);
  });

  test("an unknown HTTP method is refused before the service is asked", async () => {
    const django = fakeDjango();
    const result = await call(django, "list_routes", { method: "FETCH" });
    expect(result.isError).toBe(true);
    expect(django.calls.routes).toEqual([]);
  });

  test("a failure in the project is a tool error with the Python traceback", async () => {
    const error = new ProjectError("failed", "No module named 'nope'", "ModuleNotFoundError", ['File "/project/urls.py", line 3, in <module>']);
    const result = await call(fakeDjango(failing(error)), "list_routes");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toStartWith("Listing the routes failed (ModuleNotFoundError): No module named 'nope'");
    expect(textOf(result)).toContain('File "/project/urls.py", line 3');
  });

  test("Django that could not be set up is said so", async () => {
    const result = await call(fakeDjango(failing(new ProjectError("setup_failed", "settings exploded", "RuntimeError"))), "list_routes");
    expect(textOf(result)).toStartWith("Django could not be set up for this project (RuntimeError): settings exploded");
  });

  test("a lost sidecar is a tool error that says to try again", async () => {
    const result = await call(
      fakeDjango(failing(new SidecarLostError("The Python sidecar ended while running this call (it was killed by SIGKILL)"))),
      "list_routes",
    );
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Try again");
  });

  test("a contract violation is reported as our bug, not the user's", async () => {
    const result = await call(fakeDjango(failing(new SidecarProtocolError("the sidecar's result for routes.list is off the contract"))), "list_routes");
    expect(textOf(result)).toContain("internal error of mcp-django");
  });
});

describe("shell", () => {
  test("runs code in the caller's session with the default timeout", async () => {
    const django = fakeDjango();
    const result = await call(django, "shell", { code: "1 + 1" });
    expect(result.structuredContent).toEqual({ status: "success", output: { value: "2", value_type: "int" }, stdout: "", stderr: "" });
    expect(django.calls.executed.map(({ session, code, options }) => [session, code, options.timeoutSeconds])).toEqual([[undefined, "1 + 1", 30]]);
  });

  test("execute without code is a tool error that says what to pass", async () => {
    const result = await call(fakeDjango(), "shell", { code: "  " });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("needs code");
  });

  test("reset with code is a tool error", async () => {
    const result = await call(fakeDjango(), "shell", { action: "reset", code: "x = 1" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("takes no code");
  });

  test("history with code is a tool error", async () => {
    const result = await call(fakeDjango(), "shell", { action: "history", code: "x = 1" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('action "history" takes no code');
  });

  test("history returns the session's script, structured and as text", async () => {
    const result = await call(fakeDjango(), "shell", { action: "history" });
    expect((result.structuredContent as { script: string }).script).toContain("# Step 1\nx = 1");
    expect(textOf(result)).toStartWith("# Shell session history: 1 step");
  });

  test("reset returns the service's notice", async () => {
    const result = await call(fakeDjango(), "shell", { action: "reset" });
    expect((result.structuredContent as { notice: string }).notice).toBe("Shell session reset.");
    expect(textOf(result)).toStartWith("Shell session reset.");
  });

  test.each([
    ["a cancelled call", new CallCancelledError("the call was cancelled before the sidecar was ready"), "the call was cancelled before the sidecar was ready"],
    ["a shutdown", new ShuttingDownError("the server is shutting down"), "The server is shutting down"],
    [
      "a failed Django setup",
      new ProjectError("setup_failed", "settings exploded", "RuntimeError", ['File "settings.py", line 1']),
      "Django could not be set up",
    ],
  ])("%s is a tool error that says so", async (_what, error, expected) => {
    const django = fakeDjango();
    django.shell.execute = async () => {
      throw error;
    };
    const result = await call(django, "shell", { code: "1" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(expected);
  });

  test("a timeout over an hour is refused", async () => {
    const result = await call(fakeDjango(), "shell", { code: "1", timeout_seconds: 3601 });
    expect(result.isError).toBe(true);
  });
});

describe("read_resource", () => {
  test("returns a resource's JSON parsed, with its URI and type", async () => {
    const result = await call(fakeDjango(), "read_resource", { uri: "django://apps" });
    expect(result.structuredContent).toEqual({ uri: "django://apps", mimeType: "application/json", content: [expect.objectContaining({ label: "catalog" })] });
  });

  test("an unknown URI is a tool error that lists the resources", async () => {
    const result = await call(fakeDjango(), "read_resource", { uri: "django://nope" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toStartWith("No resource django://nope. This server's resources: django://project");
  });

  test("a missing app is a tool error with the service's message", async () => {
    const result = await call(fakeDjango(), "read_resource", { uri: "django://app/nope" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("No installed app with label 'nope'.");
  });

  test("text that is not a URI is a tool error", async () => {
    const result = await call(fakeDjango(), "read_resource", { uri: "models please" });
    expect(textOf(result)).toStartWith('"models please" is not a URI.');
  });
});
