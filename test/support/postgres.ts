/**
 * The tests' PostgreSQL, started by .ci/postgres (which .ci/test runs before the suites): its
 * connection settings from the environment, and a database of a test file's own.
 */
import { randomBytes } from "node:crypto";
import { VENV_PYTHON } from "./paths.ts";

const VARIABLES = [
  "MCP_DJANGO_TEST_PG_HOST",
  "MCP_DJANGO_TEST_PG_PORT",
  "MCP_DJANGO_TEST_PG_NAME",
  "MCP_DJANGO_TEST_PG_USER",
  "MCP_DJANGO_TEST_PG_PASSWORD",
  "MCP_DJANGO_TEST_PG_RO_USER",
  "MCP_DJANGO_TEST_PG_RO_PASSWORD",
] as const;

/** The server's connection settings; throws (the suite fails, never skips) when no server was started. */
export function postgresEnv(): Record<string, string> {
  const missing = VARIABLES.filter((name) => !process.env[name]);
  if (missing.length) {
    throw new Error(
      `no PostgreSQL for the tests (${missing.join(", ")} unset): run them with npm test, whose .ci/test starts one with .ci/postgres, or eval "$(bash .ci/postgres start)" first`,
    );
  }
  return Object.fromEntries(VARIABLES.map((name) => [name, process.env[name] as string]));
}

/** Runs Python in the tests' virtualenv; throws with its stderr when it fails. */
export function python(code: string, env: Record<string, string> = {}, cwd?: string): string {
  const run = Bun.spawnSync([VENV_PYTHON, "-c", code], { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`python failed (${run.exitCode}):\n${run.stderr.toString()}`);
  return run.stdout.toString();
}

/** Runs SQL as the project's owner role in `database`, one statement per entry. */
export function ownerSql(env: Record<string, string>, database: string, statements: string[]): void {
  python(
    `import json, os, psycopg
with psycopg.connect(host=os.environ["MCP_DJANGO_TEST_PG_HOST"], port=os.environ["MCP_DJANGO_TEST_PG_PORT"], dbname=${JSON.stringify(database)},
                     user=os.environ["MCP_DJANGO_TEST_PG_USER"], password=os.environ["MCP_DJANGO_TEST_PG_PASSWORD"], autocommit=True) as connection:
    for statement in json.loads(${JSON.stringify(JSON.stringify(statements))}):
        connection.execute(statement)
`,
    env,
  );
}

export interface TestDatabase {
  name: string;
  /** The environment that points the example project at it (MCP_DJANGO_EXAMPLE_DB=postgres). */
  env: Record<string, string>;
  drop(): void;
}

/** A new database owned by the project's role, for one test file. */
export function createDatabase(): TestDatabase {
  const server = postgresEnv();
  const name = `mcp_test_${randomBytes(5).toString("hex")}`;
  ownerSql(server, server.MCP_DJANGO_TEST_PG_NAME as string, [`CREATE DATABASE ${name}`]);
  const env = { ...server, MCP_DJANGO_EXAMPLE_DB: "postgres", MCP_DJANGO_TEST_PG_NAME: name };
  return { name, env, drop: () => ownerSql(server, server.MCP_DJANGO_TEST_PG_NAME as string, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]) };
}

/** `python manage.py ARGS` in `root`, with `env`; throws with its output when it fails. */
export function manage(root: string, args: string[], env: Record<string, string>): string {
  const run = Bun.spawnSync([VENV_PYTHON, "manage.py", ...args], { cwd: root, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`manage.py ${args.join(" ")} failed:\n${run.stdout.toString()}${run.stderr.toString()}`);
  return run.stdout.toString();
}
