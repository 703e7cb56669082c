/**
 * Read-only mode (--read-only) end to end: the real CLI over stdio on a copy of the example
 * project, once on SQLite and once on the tests' PostgreSQL (.ci/postgres). Every way of writing
 * in the acceptance list fails with a clear read-only error and leaves the data as it was; reads,
 * EXPLAIN and the read-only tools work; writing management commands fail; with --allow-writes
 * the same writes succeed. The default (DEBUG=False, a remote database host) is read-only and
 * says why. On PostgreSQL, a read-only login role makes the server refuse writes whatever the
 * session does.
 *
 * Each case starts on a fresh connection (the sidecar reconnects when the code closes them all),
 * so connections opened after start-up are covered too. The data each write aims at: a scratch
 * table `mcp_scratch` (three rows), a table to drop (`mcp_dropme`), the authors (ORM cases).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { CommandRun, ProjectInfo } from "../src/contract/payloads.ts";
import { cleanupAfterAll } from "./support/cleanup.ts";
import { type Connected, cliEnv, connect, type ShellPayload, shell } from "./support/client.ts";
import { startDevServer } from "./support/devserver.ts";
import { copyExample, type ExampleCopy } from "./support/example-copy.ts";
import { REPO, VENV_PYTHON } from "./support/paths.ts";
import { createDatabase, manage, ownerSql, postgresEnv, python, type TestDatabase } from "./support/postgres.ts";

type Backend = "sqlite" | "postgres";

interface WriteCase {
  name: string;
  /** The code, or per backend. */
  code: string | Partial<Record<Backend, string>>;
  /** The backends it runs on under --read-only (default both). */
  backends?: Backend[];
  /** Where the same code must succeed under --allow-writes (default: where it runs). */
  allowed?: Backend[];
  /** Who refuses it: our guard (ReadOnlyModeError, naming --allow-writes) or the database itself. */
  refusedBy?: "guard" | "database";
}

const PG: Backend[] = ["postgres"];
const SQLITE: Backend[] = ["sqlite"];

/** Defined once per session: statements run in order, all but the last allowed to fail; the last one's error is the result. */
const SESSION_SETUP = `
import os, sqlite3
from django.db import connection, connections, transaction
from catalog.models import Author

def attempt(*statements, cursor=None):
    cursor = cursor or connection.cursor()
    for statement in statements[:-1]:
        try:
            cursor.execute(statement)
        except Exception:
            pass
    cursor.execute(statements[-1])

def fingerprint(attached=None):
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(sum(id), 0), max(note) FROM mcp_scratch")
        scratch = list(cursor.fetchone())
    tables = sorted(name for name in connection.introspection.table_names() if name.startswith("mcp_"))
    return [scratch, Author.objects.count(), sorted(Author.objects.values_list("name", flat=True)), tables, bool(attached and os.path.exists(attached))]
`;

const RAW = "connection.ensure_connection()\nraw = connection.connection\n";

const CASES: WriteCase[] = [
  { name: "ORM create", code: 'Author.objects.create(name="ro-probe")' },
  { name: "ORM update", code: 'Author.objects.filter(name__startswith="Ada").update(name="ro-probe")' },
  { name: "ORM delete", code: 'Author.objects.filter(name__startswith="Ada").delete()' },
  { name: "ORM bulk_create", code: 'Author.objects.bulk_create([Author(name="ro-1"), Author(name="ro-2")])' },
  { name: "raw INSERT", code: `attempt("INSERT INTO mcp_scratch (id, note) VALUES (100, 'new')")` },
  { name: "raw UPDATE … RETURNING", code: `attempt("UPDATE mcp_scratch SET note = 'changed' RETURNING id")` },
  { name: "raw DELETE", code: 'attempt("DELETE FROM mcp_scratch")' },
  { name: "raw CREATE TABLE", code: 'attempt("CREATE TABLE mcp_new (id integer)")' },
  { name: "raw DROP TABLE", code: 'attempt("DROP TABLE mcp_dropme")' },
  {
    name: "a read and a write in one execute (SELECT 1; DELETE …)",
    // SQLite's cursors take one statement at a time: its driver's executescript() takes several.
    code: { postgres: 'attempt("SELECT 1; DELETE FROM mcp_scratch")', sqlite: `${RAW}raw.executescript("SELECT 1; DELETE FROM mcp_scratch")` },
  },
  {
    name: "SET TRANSACTION READ WRITE, then a write",
    code: 'with transaction.atomic():\n    attempt("SET TRANSACTION READ WRITE", "DELETE FROM mcp_scratch")',
    allowed: PG,
  },
  {
    name: "SET default_transaction_read_only = off, then a write",
    code: 'attempt("SET default_transaction_read_only = off", "DELETE FROM mcp_scratch")',
    allowed: PG,
  },
  {
    name: "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE, then a write",
    code: 'attempt("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "DELETE FROM mcp_scratch")',
    allowed: PG,
  },
  {
    name: "set_config('default_transaction_read_only', 'off'), then a write",
    code: `attempt("SELECT set_config('default_transaction_read_only', 'off', false)", "DELETE FROM mcp_scratch")`,
    allowed: PG,
  },
  { name: "COMMIT, then a write", code: 'attempt("COMMIT", "DELETE FROM mcp_scratch")' },
  { name: "BEGIN READ WRITE, then a write", code: 'attempt("BEGIN READ WRITE", "DELETE FROM mcp_scratch")', allowed: PG },
  { name: "a writable CTE", code: 'attempt("WITH gone AS (DELETE FROM mcp_scratch RETURNING id) SELECT count(*) FROM gone")', allowed: PG },
  { name: "EXPLAIN ANALYZE of a DELETE (it runs the DELETE)", code: 'attempt("EXPLAIN ANALYZE DELETE FROM mcp_scratch")', backends: PG },
  { name: "a PL/pgSQL DO block that writes", code: 'attempt("DO $$ BEGIN DELETE FROM mcp_scratch; END $$")', backends: PG },
  // Our guard lets SELECT through: the server refuses the DELETE inside, in a read-only transaction.
  { name: "SELECT of a function that writes (created beforehand)", code: 'attempt("SELECT mcp_wipe()")', backends: PG, refusedBy: "database" },
  { name: "the driver's own cursor (connection.connection.cursor()): a write", code: `${RAW}raw.cursor().execute("DELETE FROM mcp_scratch")` },
  {
    name: "the driver's own cursor: turn the mode off, then a write",
    code: {
      postgres: `${RAW}attempt("SET default_transaction_read_only = off", "DELETE FROM mcp_scratch", cursor=raw.cursor())`,
      sqlite: `${RAW}attempt("PRAGMA query_only = OFF", "DELETE FROM mcp_scratch", cursor=raw.cursor())`,
    },
  },
  {
    // The function is caught by the mode check after each statement (the server reports the
    // mode), which puts it back: the write past every guard of ours is refused by the server.
    name: "a function that turns the mode off (set_config), then a write past our cursors",
    code: `${RAW}import psycopg\ntry:\n    raw.cursor().execute("SELECT mcp_unlock()")\nexcept Exception:\n    pass\npsycopg.ClientCursor(raw).execute("DELETE FROM mcp_scratch")`,
    backends: PG,
    refusedBy: "database",
  },
  { name: "PRAGMA query_only = OFF, then a write", code: 'attempt("PRAGMA query_only = OFF", "DELETE FROM mcp_scratch")', backends: SQLITE },
  { name: "ATTACH DATABASE of a new file", code: "attempt(f\"ATTACH DATABASE '{ATTACHED}' AS extra\")", backends: SQLITE },
  {
    // With our authorizer and cursors out of the way, the file itself is open read-only.
    name: "past every guard of ours (authorizer removed, query_only off): a write",
    code: `${RAW}raw.set_authorizer(None)\nsqlite3.Cursor(raw).execute("PRAGMA query_only = OFF")\nsqlite3.Cursor(raw).execute("DELETE FROM mcp_scratch")`,
    backends: SQLITE,
    refusedBy: "database",
  },
];

function casesFor(backend: Backend, allowed = false): [string, WriteCase][] {
  return CASES.filter((one) => (allowed ? (one.allowed ?? one.backends ?? [backend]) : (one.backends ?? [backend])).includes(backend)).map((one) => [
    one.name,
    one,
  ]);
}

function codeOf(one: WriteCase, backend: Backend): string {
  const code = typeof one.code === "string" ? one.code : one.code[backend];
  if (!code) throw new Error(`${one.name}: no code for ${backend}`);
  // A fresh connection for each case: the ones opened later are read-only too.
  return `connections.close_all()\n${code}`;
}

/** Tables and functions the writes aim at, made with writes allowed (before any server starts). */
const SCRATCH_SQL = [
  "CREATE TABLE mcp_scratch (id integer PRIMARY KEY, note varchar(20))",
  "INSERT INTO mcp_scratch (id, note) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
  "CREATE TABLE mcp_dropme (id integer)",
];
const PG_FUNCTIONS_SQL = [
  "CREATE FUNCTION mcp_wipe() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN DELETE FROM mcp_scratch; RETURN 1; END $$",
  "CREATE FUNCTION mcp_unlock() RETURNS text LANGUAGE sql AS $$ SELECT set_config('default_transaction_read_only', 'off', false) $$",
];

/** A migration migrate would apply: it creates a table. */
const PENDING_MIGRATION = `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunSQL("CREATE TABLE mcp_migrated (id integer)", "DROP TABLE mcp_migrated")]
`;

interface Project {
  copy: ExampleCopy;
  env: Record<string, string>;
  attached: string;
}

const deferAll = cleanupAfterAll();

/** A copy of the example on `backend`, migrated and seeded, with the scratch tables and a pending migration. */
function makeProject(backend: Backend): Project {
  const copy = copyExample();
  deferAll(() => copy.remove());
  let env: Record<string, string> = {};
  if (backend === "postgres") {
    const database: TestDatabase = createDatabase();
    deferAll(() => database.drop());
    env = database.env;
    manage(copy.root, ["migrate", "--noinput", "-v", "0"], env);
    manage(copy.root, ["seed_catalog"], env);
    ownerSql(env, database.name, [...SCRATCH_SQL, ...PG_FUNCTIONS_SQL]);
  } else {
    python(
      `import json, sqlite3\nconnection = sqlite3.connect("db.sqlite3")\nfor statement in json.loads(${JSON.stringify(JSON.stringify(SCRATCH_SQL))}):\n    connection.execute(statement)\nconnection.commit()`,
      {},
      copy.root,
    );
  }
  copy.write("catalog/migrations/0002_mcp_migrated.py", PENDING_MIGRATION);
  return { copy, env, attached: join(copy.root, "attached.sqlite3") };
}

async function startServer(project: Project, args: string[]): Promise<Connected> {
  const connected = await connect({ cwd: project.copy.root, args: ["--no-reload", ...args], env: project.env });
  deferAll(() => connected.close());
  const setup = await shell(connected.client, `${SESSION_SETUP}\nATTACHED = ${JSON.stringify(project.attached)}`);
  expect(setup.output.exception).toBeUndefined();
  expect(setup.status).toBe("success");
  return connected;
}

async function fingerprint(client: Client): Promise<string> {
  const result = await shell(client, "fingerprint(ATTACHED)");
  expect(result.status).toBe("success");
  return result.output.value ?? "";
}

async function runCommand(client: Client, name: string, args: string[]): Promise<CommandRun> {
  const result = (await client.callTool({ name: "run_command", arguments: { name, args } })) as CallToolResult;
  return result.structuredContent as unknown as CommandRun;
}

async function projectInfo(client: Client): Promise<ProjectInfo> {
  const read = await client.readResource({ uri: "django://project" });
  const first = read.contents[0];
  return JSON.parse(first && "text" in first ? first.text : "{}") as ProjectInfo;
}

function expectReadOnlyError(result: ShellPayload, refusedBy: "guard" | "database"): void {
  expect(result.status).toBe("error");
  const exception = result.output.exception;
  if (refusedBy === "guard") {
    expect(exception?.exc_type).toBe("ReadOnlyModeError");
    expect(exception?.message).toMatch(
      /^mcp-django is in read-only mode \(--read-only\): this statement would (write|turn read-only mode off): .+; restart with --allow-writes to allow writes$/s,
    );
  } else {
    // PostgreSQL: "cannot execute DELETE in a read-only transaction"; SQLite: "attempt to write a readonly database".
    expect(exception?.message).toMatch(/read-only transaction|readonly database/);
  }
}

describe.each(["sqlite", "postgres"] as const)("read-only mode on %s", (backend) => {
  let project: Project;
  let readOnly: Connected;
  let before: string;

  beforeAll(async () => {
    project = makeProject(backend);
    readOnly = await startServer(project, ["--read-only"]);
    before = await fingerprint(readOnly.client);
  });

  test("starts read-only, says why at start-up and in django://project", async () => {
    expect(readOnly.stderr()).toContain("read-only mode: the database refuses writes from the shell, tools and commands (--read-only was given)");
    expect((await projectInfo(readOnly.client)).read_only).toEqual({ on: true, why: "--read-only was given" });
  });

  test("every shell result's notice says read-only mode is on", async () => {
    const result = await shell(readOnly.client, "1 + 1");
    expect(result.output.value).toBe("2");
    expect(result.notice).toBe(
      "Read-only mode: the database refuses writes from this session (--read-only was given); restart mcp-django with --allow-writes to write.",
    );
  });

  test.each(casesFor(backend))("refused, data unchanged: %s", async (_name, one) => {
    const result = await shell(readOnly.client, codeOf(one, backend));
    expectReadOnlyError(result, one.refusedBy ?? "guard");
    expect(await fingerprint(readOnly.client)).toBe(before);
  });

  test("reads work: ORM queries, raw SELECT, EXPLAIN, a transaction that only reads", async () => {
    const explain = backend === "postgres" ? "EXPLAIN ANALYZE SELECT * FROM mcp_scratch" : "EXPLAIN QUERY PLAN SELECT * FROM mcp_scratch";
    const code = `from catalog.models import Book
with transaction.atomic():
    books = list(Book.objects.filter(authors__name__startswith="Ada").order_by("title").values_list("title", flat=True))
with connection.cursor() as cursor:
    cursor.execute("SELECT note FROM mcp_scratch WHERE id = %s", [2])
    note = cursor.fetchone()[0]
    cursor.execute(${JSON.stringify(explain)})
    plan = cursor.fetchall()
[books, note, len(plan) > 0, Book.objects.count()]`;
    const result = await shell(readOnly.client, code);
    expect(result.status).toBe("success");
    expect(result.output.value).toBe(`[['Letters from the Coast', 'The Quiet Harbour'], 'b', True, 4]`);
  });

  test("the read-only tools work: migrations (with the pending one), check", async () => {
    const migrations = (await readOnly.client.callTool({ name: "migrations", arguments: { app_label: "catalog" } })) as CallToolResult;
    expect(migrations.isError).toBeFalsy();
    expect(JSON.stringify(migrations.structuredContent)).toContain("catalog.0002_mcp_migrated");
    const check = (await readOnly.client.callTool({ name: "check", arguments: {} })) as CallToolResult;
    expect(check.isError).toBeFalsy();
  });

  test("a request probe of a GET view works", async () => {
    const probe = (await readOnly.client.callTool({ name: "request", arguments: { method: "GET", path: "/" } })) as CallToolResult;
    expect(probe.isError).toBeFalsy();
    expect(probe.structuredContent).toMatchObject({ status: 200 });
  });

  test("run_command: migrate and a writing command (seed_catalog) fail cleanly, nothing written", async () => {
    const migrate = await runCommand(readOnly.client, "migrate", ["--noinput"]);
    expect(migrate.status).toBe(1);
    expect(migrate.stderr).toContain("ReadOnlyModeError: mcp-django is in read-only mode (--read-only): this statement would write: CREATE TABLE mcp_migrated");
    const seed = await runCommand(readOnly.client, "seed_catalog", ["--books", "6"]);
    expect(seed.status).toBe(1);
    expect(seed.stderr).toContain("mcp-django is in read-only mode (--read-only): this statement would write: INSERT INTO");
    expect(await fingerprint(readOnly.client)).toBe(before);
    expect((await shell(readOnly.client, "from catalog.models import Book\nBook.objects.count()")).output.value).toBe("4");
  });

  describe("with --allow-writes", () => {
    let writable: Connected;

    beforeAll(async () => {
      writable = await startServer(project, ["--allow-writes"]);
    });

    test("says writes are allowed, and results carry no read-only notice", async () => {
      expect(writable.stderr()).toContain("writes allowed: --allow-writes was given");
      expect((await projectInfo(writable.client)).read_only).toEqual({ on: false, why: "--allow-writes was given" });
      expect((await shell(writable.client, "1 + 1")).notice).toBeUndefined();
    });

    test.each(casesFor(backend, true))("the same write succeeds: %s", async (_name, one) => {
      const result = await shell(writable.client, codeOf(one, backend));
      expect(result.output.exception).toBeUndefined();
      expect(result.status).toBe("success");
    });

    test("run_command: migrate and seed_catalog succeed", async () => {
      const migrate = await runCommand(writable.client, "migrate", ["--noinput"]);
      expect(migrate.stderr).toBe("");
      expect(migrate.status).toBe(0);
      const seed = await runCommand(writable.client, "seed_catalog", ["--books", "6"]);
      expect(seed.status).toBe(0);
      expect((await shell(writable.client, "from catalog.models import Book\nBook.objects.count()")).output.value).toBe("6");
    });
  });
});

describe("the default: read-only when DEBUG is False or a database is elsewhere", () => {
  let project: Project;

  beforeAll(() => {
    project = makeProject("sqlite");
  });

  test("DEBUG=False: read-only, and start-up says why; a write fails", async () => {
    project.copy.edit("bookshop/settings.py", "DEBUG = True", "DEBUG = False");
    try {
      const server = await startServer(project, []);
      expect(server.stderr()).toContain(
        "read-only mode: the database refuses writes from the shell, tools and commands (DEBUG is False (--allow-writes overrides this))",
      );
      expect((await projectInfo(server.client)).read_only).toEqual({ on: true, why: "DEBUG is False (--allow-writes overrides this)" });
      const before = await fingerprint(server.client);
      expectReadOnlyError(await shell(server.client, 'attempt("DELETE FROM mcp_scratch")'), "guard");
      expect(await fingerprint(server.client)).toBe(before);
      await server.close();

      const overridden = await startServer(project, ["--allow-writes"]);
      expect((await projectInfo(overridden.client)).read_only?.on).toBe(false);
      expect((await shell(overridden.client, 'attempt("DELETE FROM mcp_scratch WHERE id = 3")')).status).toBe("success");
      await overridden.close();

      const byEnvironment = await startServer({ ...project, env: { MCP_DJANGO_ALLOW_WRITES: "1" } }, []);
      expect((await projectInfo(byEnvironment.client)).read_only).toEqual({ on: false, why: "MCP_DJANGO_ALLOW_WRITES=1 is set" });
      await byEnvironment.close();
    } finally {
      project.copy.edit("bookshop/settings.py", "DEBUG = False", "DEBUG = True");
    }
  });

  test("a database on another host: read-only, naming it", async () => {
    // SQLite ignores HOST: only the decision reads it.
    project.copy.edit(
      "bookshop/settings.py",
      '"PASSWORD": "hunter2-not-a-real-password",',
      '"PASSWORD": "hunter2-not-a-real-password", "HOST": "db.example.com",',
    );
    try {
      const server = await startServer(project, []);
      expect((await projectInfo(server.client)).read_only).toEqual({
        on: true,
        why: "database 'default' is on db.example.com, not this machine (--allow-writes overrides this)",
      });
      await server.close();
    } finally {
      project.copy.edit(
        "bookshop/settings.py",
        '"PASSWORD": "hunter2-not-a-real-password", "HOST": "db.example.com",',
        '"PASSWORD": "hunter2-not-a-real-password",',
      );
    }
  });

  test("DEBUG=True and a local database: writes allowed; MCP_DJANGO_READ_ONLY=1 turns read-only mode on", async () => {
    const server = await startServer(project, []);
    expect((await projectInfo(server.client)).read_only).toEqual({
      on: false,
      why: "DEBUG is True and every database is on this machine (--read-only makes the database refuse writes)",
    });
    await server.close();
    const byEnvironment = await startServer({ ...project, env: { MCP_DJANGO_READ_ONLY: "1" } }, []);
    expect((await projectInfo(byEnvironment.client)).read_only).toEqual({ on: true, why: "MCP_DJANGO_READ_ONLY=1 is set" });
    await byEnvironment.close();
  });

  test("--read-only and --allow-writes together are refused", async () => {
    const run = Bun.spawnSync([process.execPath, join(import.meta.dir, "..", "src", "cli.ts"), "--read-only", "--allow-writes"], {
      cwd: project.copy.root,
      stderr: "pipe",
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.toString()).toContain("--read-only and --allow-writes contradict each other");
  });
});

describe("PostgreSQL: the tests' server and a read-only login role", () => {
  let project: Project;
  let server: Connected;

  beforeAll(async () => {
    project = makeProject("postgres");
    project.env = { ...project.env, MCP_DJANGO_EXAMPLE_READ_ONLY_ROLE: "1" };
    server = await startServer(project, ["--read-only"]);
  });

  afterAll(() => undefined);

  test("the server was installed and started by .ci/postgres, on a Unix socket of its own", async () => {
    const env = postgresEnv();
    expect(env.MCP_DJANGO_TEST_PG_HOST).toStartWith("/tmp/mcp-django-pg-");
    expect(existsSync(join(env.MCP_DJANGO_TEST_PG_HOST as string, ".s.PGSQL.5432"))).toBe(true);
    const version = await shell(
      server.client,
      'with connection.cursor() as cursor:\n    cursor.execute("SHOW server_version_num")\n    version = int(cursor.fetchone()[0])\nversion >= 150000',
    );
    expect(version.output.value).toBe("True");
  });

  test("read-only mode logs in as the read-only role, which reads", async () => {
    const result = await shell(
      server.client,
      'with connection.cursor() as cursor:\n    cursor.execute("SELECT current_user, (SELECT count(*) FROM mcp_scratch)")\n    row = cursor.fetchone()\nrow',
    );
    expect(result.output.value).toBe("('bookshop_ro', 3)");
  });

  test("past every guard of ours (libpq directly, the mode turned off), the server still refuses: the role can't write", async () => {
    const before = await fingerprint(server.client);
    const code = `${RAW}raw.pgconn.exec_(b"SET default_transaction_read_only = off")
result = raw.pgconn.exec_(b"DELETE FROM mcp_scratch")
result.error_message.decode()`;
    const result = await shell(server.client, codeOf({ name: "libpq", code }, "postgres"));
    expect(result.output.value).toContain("permission denied for table mcp_scratch");
    expect(await fingerprint(server.client)).toBe(before);
  });
});

describe("attached to runserver: only the MCP calls are read-only", () => {
  test("the shell's writes are refused while the dev server's own requests write", async () => {
    const project = makeProject("sqlite");
    const devServer = await startDevServer(undefined, project.copy.root);
    deferAll(() => devServer.stop());
    const server = await startServer({ ...project, env: { MCP_DJANGO_RUNTIME_DIR: devServer.runtimeDir } }, ["--read-only", "--attach"]);
    const info = await projectInfo(server.client);
    expect(info.mcp.mode).toBe("attached");
    expect(info.read_only).toEqual({ on: true, why: "--read-only was given" });

    const order = await shell(server.client, "from orders.models import Order\norder = Order.objects.order_by('pk').first()\n[order.pk, order.status]");
    const [pk] = JSON.parse((order.output.value ?? "").replace(/'/g, '"')) as [number, string];
    expectReadOnlyError(await shell(server.client, 'Order.objects.filter(pk=order.pk).update(status="cancelled")'), "guard");
    // A thread the shell starts is read-only too.
    const threaded = await shell(
      server.client,
      `import threading
outcome = []
def work():
    try:
        Order.objects.filter(pk=order.pk).update(status="cancelled")
    except Exception as exc:
        outcome.append(type(exc).__name__)
    finally:
        connections.close_all()
thread = threading.Thread(target=work)
thread.start()
thread.join()
outcome`,
    );
    expect(threaded.output.value).toBe("['ReadOnlyModeError']");

    // The dev server's request handling (its own threads) still writes.
    const response = await fetch(`${devServer.url}/orders/webhook/`, { method: "POST", body: JSON.stringify({ order: pk, status: "shipped" }) });
    expect(response.status).toBe(200);
    expect((await shell(server.client, "Order.objects.get(pk=order.pk).status")).output.value).toBe("'shipped'");
  });
});

describe("python manage.py mcp --read-only", () => {
  test("the command's own process refuses writes, and says so", async () => {
    const project = makeProject("sqlite");
    const transport = new StdioClientTransport({
      command: VENV_PYTHON,
      args: ["manage.py", "mcp", "--read-only"],
      cwd: project.copy.root,
      env: cliEnv({ PATH: `${REPO}node_modules/.bin:${process.env.PATH}` }),
      stderr: "pipe",
    });
    const client = new Client({ name: "manage-py-read-only", version: "0" });
    deferAll(() => client.close());
    await client.connect(transport);
    const info = await projectInfo(client);
    expect(info.mcp.mode).toBe("command");
    expect(info.read_only).toEqual({ on: true, why: "--read-only was given" });
    expect((await shell(client, SESSION_SETUP)).status).toBe("success");
    expectReadOnlyError(await shell(client, 'attempt("DELETE FROM mcp_scratch")'), "guard");
    expect((await shell(client, "fingerprint()")).output.value).toStartWith("[[3, 6, 'c']");
  });
});
