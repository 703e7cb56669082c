/**
 * Edits to the project's code are picked up by the next call, with the shell session carried
 * over: the real CLI over stdio, in a copy of the example project that the tests edit.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { cleanupAfterAll, cleanupAfterEach } from "./support/cleanup.ts";
import { type Connected, cliEnv, connect, shell, textOf } from "./support/client.ts";
import { copyExample, type ExampleCopy } from "./support/example-copy.ts";
import { connectHttp, startHttp } from "./support/http.ts";
import { REPO, VENV_PYTHON } from "./support/paths.ts";
import { isAlive } from "./support/raw.ts";
import { startMarkers, until } from "./support/wait.ts";

const defer = cleanupAfterEach();
const deferAll = cleanupAfterAll();
const markers = startMarkers();
deferAll(() => markers.dispose());

const NEW_METHOD = `
    def shouted_title(self):
        return self.title.upper()
`;

/** A fresh copy of the example and a CLI serving it, both gone after the test. */
async function serveCopy(args: string[] = []): Promise<{ example: ExampleCopy; server: Connected }> {
  const example = copyExample();
  defer(() => example.remove());
  const server = await connect({ cwd: example.root, args });
  defer(() => server.close());
  return { example, server };
}

/** Adds the Book.shouted_title() method to the copy's catalog/models.py. */
function addShoutedTitle(example: ExampleCopy): void {
  example.edit("catalog/models.py", "    def __str__(self):\n        return self.title\n", `    def __str__(self):\n        return self.title\n${NEW_METHOD}`);
}

async function pid(client: Client): Promise<string> {
  return (await shell(client, "import os as _os\n_os.getpid()")).output.value!;
}

async function routeNames(client: Client): Promise<string[]> {
  const result = (await client.callTool({ name: "list_routes", arguments: {} })) as CallToolResult;
  if (result.isError) throw new Error(textOf(result));
  return (result.structuredContent as { routes: { name: string | null }[] }).routes.map((route) => route.name ?? "");
}

async function project(client: Client): Promise<{ code: { loaded_at: string; reload: boolean; changed_since_start: string[] } }> {
  const { contents } = await client.readResource({ uri: "django://project" });
  return JSON.parse((contents[0] as { text: string }).text);
}

describe("an edit to the project's code", () => {
  test("is picked up by the next shell call, with imports and definitions restored and the rest named", async () => {
    const { example, server } = await serveCopy();
    await shell(server.client, "x = 5");
    await shell(server.client, "from catalog.models import Book");
    await shell(server.client, "def f():\n    return Book.objects.count()");
    addShoutedTitle(example);

    const result = await shell(server.client, "(Book.objects.order_by('pk').first().shouted_title(), f())");
    expect(result.status).toBe("success");
    expect(result.output.value).toMatch(/^\('[^a-z]+', \d+\)$/);
    expect(result.notice).toContain("catalog/models.py");
    expect(result.notice).toContain("Restored imports and definitions: Book (step 2), f (step 3)");
    expect(result.notice).toContain("Not restored (re-run those steps if you need them): x (step 1)");
    expect((await shell(server.client, "x")).output.exception?.exc_type).toBe("NameError");
  });

  test("runs in a fresh process, and the call after it stays there without a notice", async () => {
    const { example, server } = await serveCopy();
    const before = await pid(server.client);
    example.edit("catalog/models.py", "class Book(", "# edited\nclass Book(");
    const after = await pid(server.client);
    expect(after).not.toBe(before);
    const steady = await shell(server.client, "1 + 1");
    expect(steady.notice).toBeUndefined();
    expect(await pid(server.client)).toBe(after);
  });

  test("a route added to a urls.py is listed by the next list_routes, and gone after it is removed", async () => {
    const { example, server } = await serveCopy();
    const original = example.read("catalog/urls.py");
    expect(await routeNames(server.client)).not.toContain("book-fresh");
    example.edit("catalog/urls.py", '    path("search/"', '    path("fresh/", views.search, name="book-fresh"),\n    path("search/"');
    expect(await routeNames(server.client)).toContain("book-fresh");
    example.write("catalog/urls.py", original);
    expect(await routeNames(server.client)).not.toContain("book-fresh");
  });

  test("a file that is not Python (a template) does not replace the process", async () => {
    const { example, server } = await serveCopy();
    const before = await pid(server.client);
    example.write("catalog/templates/catalog/book_list.html", "<p>changed</p>");
    const result = await shell(server.client, "1");
    expect(result.notice).toBeUndefined();
    expect(await pid(server.client)).toBe(before);
  });

  test("a Python file saved under MEDIA_ROOT is not code: the process stays", async () => {
    const { example, server } = await serveCopy();
    const before = await pid(server.client);
    mkdirSync(join(example.root, "media", "uploads"), { recursive: true });
    example.write("media/uploads/upload.py", "print('uploaded')\n");
    const result = await shell(server.client, "1");
    expect(result.notice).toBeUndefined();
    expect(await pid(server.client)).toBe(before);
  });

  test("a syntax error in views.py is a tool error with its traceback; once fixed, calls work and the session is restored", async () => {
    const { example, server } = await serveCopy();
    await shell(server.client, "from catalog.models import Book");
    const original = example.read("catalog/views.py");
    example.write("catalog/views.py", `${original}\ndef broken(:\n`);

    const routes = (await server.client.callTool({ name: "list_routes", arguments: {} })) as CallToolResult;
    expect(routes.isError).toBe(true);
    expect(textOf(routes)).toContain("SyntaxError");
    expect(textOf(routes)).toContain("catalog/views.py");
    const imported = await shell(server.client, "import catalog.views");
    expect(imported.status).toBe("error");
    expect(imported.output.exception?.exc_type).toBe("SyntaxError");

    example.write("catalog/views.py", original);
    expect(await routeNames(server.client)).toContain("book-list");
    const result = await shell(server.client, "Book.objects.count() > 0");
    expect(result.output.value).toBe("True");
  });

  test("a syntax error in models.py makes calls report Django's failure; once fixed, the session is restored", async () => {
    const { example, server } = await serveCopy();
    await shell(server.client, "from catalog.models import Book");
    const original = example.read("catalog/models.py");
    example.write("catalog/models.py", `${original}\nclass Broken(:\n`);

    const failed = (await server.client.callTool({ name: "shell", arguments: { code: "1" } })) as CallToolResult;
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toContain("Django could not be set up");
    expect(textOf(failed)).toContain("SyntaxError");

    example.write("catalog/models.py", original);
    const result = await shell(server.client, "Book.__name__");
    expect(result.output.value).toBe("'Book'");
    expect(result.notice).toContain("catalog/models.py");
    expect(result.notice).toContain("Book (step 1)");
  });

  test("saved while a call runs, does not interrupt it: the switch comes after it returns", async () => {
    const { example, server } = await serveCopy();
    const before = await pid(server.client);
    const started = markers.next();
    const running = shell(server.client, `${started.touch}\nimport time\ntime.sleep(3)\n_os.getpid()`);
    await until("the long call to start", () => existsSync(started.path));
    example.edit("catalog/models.py", "class Book(", "# edited\nclass Book(");
    const result = await running;
    expect(result.status).toBe("success");
    expect(result.output.value).toBe(before);
    const next = await shell(server.client, "1");
    expect(next.notice).toContain("catalog/models.py");
    expect(await pid(server.client)).not.toBe(before);
    await until("the old sidecar to be stopped", () => !isAlive(Number(before)));
  });

  test("django://project says when the code was loaded and which files changed since start", async () => {
    const { example, server } = await serveCopy();
    const first = (await project(server.client)).code;
    expect(first.reload).toBe(true);
    expect(first.changed_since_start).toEqual([]);
    example.edit("orders/models.py", "from django", "# edited\nfrom django");
    const second = (await project(server.client)).code;
    expect(second.changed_since_start).toEqual(["orders/models.py"]);
    expect(Date.parse(second.loaded_at)).toBeGreaterThan(Date.parse(first.loaded_at));
  });

  test("is logged on stderr when it is seen and when calls switch", async () => {
    const { example, server } = await serveCopy();
    await shell(server.client, "1");
    example.edit("orders/models.py", "from django", "# edited\nfrom django");
    await shell(server.client, "1");
    expect(server.stderr()).toContain("orders/models.py changed: preparing a fresh sidecar");
    await until("the switch to be logged", () => server.stderr().includes("orders/models.py changed: calls now run in a fresh sidecar"));
  });
});

describe("over Streamable HTTP", () => {
  test("each MCP session's shell is carried over on its own", async () => {
    const example = copyExample();
    defer(() => example.remove());
    const server = await startHttp("http", [], {}, example.root);
    defer(() => server.stop());
    const [first, second] = [await connectHttp(server), await connectHttp(server)];
    defer(() => first.end());
    defer(() => second.end());
    await shell(first.client, "import decimal\nmine = 1");
    await shell(second.client, "from catalog.models import Book\ntheirs = 2");
    example.edit("orders/models.py", "from django", "# edited\nfrom django");

    const firstResult = await shell(first.client, "decimal.Decimal(1)");
    expect(firstResult.output.value).toBe("Decimal('1')");
    expect(firstResult.notice).toContain("Restored imports and definitions: decimal (step 1)");
    expect(firstResult.notice).toContain("Not restored (re-run those steps if you need them): mine (step 1)");
    const secondResult = await shell(second.client, "Book.__name__");
    expect(secondResult.output.value).toBe("'Book'");
    expect(secondResult.notice).toContain("Restored imports and definitions: Book (step 1)");
    expect(secondResult.notice).toContain("theirs (step 1)");
    expect(secondResult.notice).not.toContain("mine");
  });
});

describe("under python manage.py mcp", () => {
  test("an edit moves calls to a fresh process of the command's interpreter, with the session carried over", async () => {
    const example = copyExample();
    defer(() => example.remove());
    const transport = new StdioClientTransport({
      command: VENV_PYTHON,
      args: ["manage.py", "mcp"],
      cwd: example.root,
      env: cliEnv({ PATH: `${REPO}node_modules/.bin:${process.env.PATH}` }),
      stderr: "ignore",
    });
    const client = new Client({ name: "reload-tests", version: "0" });
    defer(() => client.close());
    await client.connect(transport);
    await shell(client, "from catalog.models import Book");
    const commandPid = await pid(client);
    addShoutedTitle(example);

    const result = await shell(client, "hasattr(Book, 'shouted_title')");
    expect(result.output.value).toBe("True");
    expect(result.notice).toContain("catalog/models.py");
    expect(result.notice).toContain("Book (step 1)");
    expect(await pid(client)).not.toBe(commandPid);
    expect(isAlive(Number(commandPid))).toBe(true); // the command's process still holds the client's stdio
  });
});

describe("with --no-reload", () => {
  test("an edit is not picked up: calls stay in the first process, on the old code", async () => {
    const { example, server } = await serveCopy(["--no-reload"]);
    await shell(server.client, "from catalog.models import Book");
    const before = await pid(server.client);
    addShoutedTitle(example);
    const result = await shell(server.client, "hasattr(Book, 'shouted_title')");
    expect(result.output.value).toBe("False");
    expect(result.notice).toBeUndefined();
    expect(await pid(server.client)).toBe(before);
    expect((await project(server.client)).code.reload).toBe(false);
  });
});

describe("the session's history", () => {
  test("is the successful steps as a script, in order, that runs cleanly in a fresh shell", async () => {
    const { server } = await serveCopy();
    await shell(server.client, "from catalog.models import Book\ntitles = [b.title for b in Book.objects.order_by('pk')]");
    await shell(server.client, "Book.objects.get(pk=-1)");
    await shell(server.client, "def count():\n    return len(titles)\nn = count()");
    const history = (await server.client.callTool({ name: "shell", arguments: { action: "history" } })) as CallToolResult;
    const script = (history.structuredContent as { script: string }).script;
    expect(script).toBe(
      [
        "# Shell session history: 2 steps (1 failed, left out)",
        "from catalog.models import Book",
        "# Step 1\ntitles = [b.title for b in Book.objects.order_by('pk')]",
        "# Step 3\ndef count():\n    return len(titles)\nn = count()",
      ].join("\n\n") + "\n",
    );

    await server.client.callTool({ name: "shell", arguments: { action: "reset" } });
    const rerun = await shell(server.client, `${script}\nn`);
    expect(rerun.status).toBe("success");
    expect(Number(rerun.output.value)).toBeGreaterThan(0);
  });

  test("survives a switch to fresh code", async () => {
    const { example, server } = await serveCopy();
    await shell(server.client, "import decimal");
    example.edit("orders/models.py", "from django", "# edited\nfrom django");
    await shell(server.client, "y = decimal.Decimal('1.5')");
    const history = (await server.client.callTool({ name: "shell", arguments: { action: "history" } })) as CallToolResult;
    expect((history.structuredContent as { script: string }).script).toBe(
      "# Shell session history: 2 steps\n\nimport decimal\n\n# Step 2\ny = decimal.Decimal('1.5')\n",
    );
  });

  test("is emptied by reset", async () => {
    const { server } = await serveCopy();
    await shell(server.client, "z = 1");
    await server.client.callTool({ name: "shell", arguments: { action: "reset" } });
    const history = (await server.client.callTool({ name: "shell", arguments: { action: "history" } })) as CallToolResult;
    expect((history.structuredContent as { script: string }).script).toBe("# Shell session history: 0 steps\n");
  });
});

describe("under the package's command (bin/mcp-django.mjs, as npx runs it: Bun's JIT tiers off)", () => {
  /** The command's stderr up to its line saying how it watches the project, then the command is stopped. */
  async function watchLine(env: Record<string, string> = {}): Promise<string> {
    const example = copyExample();
    defer(() => example.remove());
    const proc = Bun.spawn([join(REPO, "bin", "mcp-django.mjs"), "--debug", "--project", example.root, "--python", VENV_PYTHON], {
      env: cliEnv(env),
      stdin: "pipe",
      stdout: "ignore",
      stderr: "pipe",
    });
    defer(() => proc.kill());
    let stderr = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      if (/watching the project's code with .*\n/.test(stderr)) break;
    }
    return stderr;
  }

  test("the watcher reads inotify, so a file saved just before a call is seen by it", async () => {
    const stderr = await watchLine();
    expect(stderr).toContain("watching the project's code with inotify");
    expect(stderr).not.toContain("fs.watch");
  });

  test("with the JIT off altogether (no bun:ffi), it says that a save just before a call may be missed", async () => {
    const stderr = await watchLine({ BUN_JSC_useJIT: "0" });
    expect(stderr).toContain("watching the project's code with fs.watch, as inotify is unavailable");
    expect(stderr).toContain("a file saved just before a call may only be seen by the call after it");
  });

  test("an edit is picked up by the next call", async () => {
    const example = copyExample();
    defer(() => example.remove());
    const client = new Client({ name: "reload-test", version: "0" });
    const transport = new StdioClientTransport({
      command: join(REPO, "bin", "mcp-django.mjs"),
      args: ["--project", example.root, "--python", VENV_PYTHON],
      env: cliEnv(),
      stderr: "ignore",
    });
    await client.connect(transport);
    defer(() => client.close());
    await shell(client, "from catalog.models import Book");
    addShoutedTitle(example);
    const result = await shell(client, "hasattr(Book, 'shouted_title')");
    expect(result.output.value).toBe("True");
    expect(result.notice).toContain("catalog/models.py");
  });
});
