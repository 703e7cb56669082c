/**
 * Secrets never reach the model, end to end over the real CLI and stdio, in a copy of the example
 * project with a STRIPE_API_KEY in its settings and secret-looking environment variables: no tool
 * result, resource or error contains the SECRET_KEY, the database password, the API key or the
 * environment's secrets, however the code printed them; with --show-secrets they appear.
 *
 * The secrets are read from the copy's own settings, through Django, with the environment the CLI
 * gets: where the example runs against PostgreSQL (MCP_DJANGO_EXAMPLE_DB=postgres), its real
 * database password is the one checked.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { MIN_SECRET_LENGTH } from "../src/mcp/redact.ts";
import { cleanupAfterAll, cleanupAfterEach } from "./support/cleanup.ts";
import { type Connected, cliEnv, connect, shell, textOf } from "./support/client.ts";
import { copyExample, type ExampleCopy } from "./support/example-copy.ts";
import { VENV_PYTHON } from "./support/paths.ts";

const deferAll = cleanupAfterAll();
const defer = cleanupAfterEach();

const STRIPE_KEY = "sk_test_51SecretsTestNotARealStripeKey";
/** Punctuation, a space and non-ASCII: its repr, JSON and URL encodings all differ from it. */
const MAIL_PASSWORD = "mail-p@ss w/rd+&=\u00fc'q";
/** Environment variables of the CLI, and so of the sidecar: one secret by its name, one password in a URL. */
const ENV = {
  PAYMENTS_API_KEY: "pk_env_Zx81-not-a-real-key",
  CACHE_URL: "redis://:env-redis-pa55word@localhost:6379/1",
};
const ENV_REDIS_PASSWORD = "env-redis-pa55word";
/**
 * The example's database, passed on when the run chose PostgreSQL (MCP_DJANGO_EXAMPLE_DB=postgres,
 * with .ci/postgres's MCP_DJANGO_TEST_PG_* variables): then its real password is the one checked.
 */
const DATABASE_ENV: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).flatMap(([name, value]) =>
    value !== undefined && (name === "MCP_DJANGO_EXAMPLE_DB" || name.startsWith("MCP_DJANGO_TEST_PG_")) ? [[name, value]] : [],
  ),
);
/** What every CLI of these tests gets besides cliEnv()'s. */
const SERVER_ENV = { ...DATABASE_ENV, ...ENV };

/** Each secret checked, by name: its value first, then the forms Python prints it in. */
type Forms = Record<string, string[]>;

/**
 * The copy's secrets as its settings give them, read by Django with the CLI's environment, with
 * the environment's: each with its forms as Python writes them (repr, ascii, json.dumps, quote,
 * quote_plus), computed by Python, not by the code under test.
 */
function readSecrets(root: string): Forms {
  const code = [
    "import json, sys, django",
    "from urllib.parse import quote, quote_plus",
    "django.setup()",
    "from django.conf import settings",
    "values = json.loads(sys.argv[1])",
    'values.update(secret_key=settings.SECRET_KEY, db_password=settings.DATABASES["default"].get("PASSWORD") or "", stripe=settings.STRIPE_API_KEY, mail_password=settings.EMAIL_HOST_PASSWORD)',
    "forms = lambda v: [v, repr(v)[1:-1], ascii(v)[1:-1], json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1], quote(v), quote(v, safe=''), quote_plus(v)]",
    "print(json.dumps({name: list(dict.fromkeys(forms(value))) for name, value in values.items()}))",
  ].join("\n");
  const env = { ...cliEnv(SERVER_ENV), DJANGO_SETTINGS_MODULE: "bookshop.settings", PYTHONPATH: root };
  const extra = {
    ...ENV,
    env_redis_password: ENV_REDIS_PASSWORD,
    ...(DATABASE_ENV.MCP_DJANGO_TEST_PG_RO_PASSWORD ? { pg_ro_password: DATABASE_ENV.MCP_DJANGO_TEST_PG_RO_PASSWORD } : {}),
  };
  const run = Bun.spawnSync([VENV_PYTHON, "-c", code, JSON.stringify(extra)], { cwd: root, env });
  if (run.exitCode !== 0) throw new Error(`reading the copy's settings failed:\n${run.stderr.toString()}`);
  return JSON.parse(run.stdout.toString().trim().split("\n").at(-1) ?? "{}") as Forms;
}

/** A copy of the example with a STRIPE_API_KEY and an EMAIL_HOST_PASSWORD in its settings. */
function secretsExample(): ExampleCopy {
  const copy = copyExample();
  copy.write(
    "bookshop/settings.py",
    `${copy.read("bookshop/settings.py")}\nSTRIPE_API_KEY = "${STRIPE_KEY}"\nEMAIL_HOST_PASSWORD = ${JSON.stringify(MAIL_PASSWORD)}\n`,
  );
  return copy;
}

/** A short plain word is hidden where it stands alone (src/mcp/redact.ts): "postgres" inside "postgresql" is no leak. */
function leaks(text: string, secret: string): boolean {
  if (!/^[A-Za-z]+[0-9]*$/.test(secret) || secret.length > 15) return text.includes(secret);
  return new RegExp(String.raw`(?<![A-Za-z0-9_\-./\\])${secret}(?![A-Za-z0-9_\-/\\]|\.[A-Za-z0-9_]|:\/\/)`).test(text);
}

let example: ExampleCopy;
let secrets: [string, string[]][];
let server: Connected;

beforeAll(async () => {
  example = secretsExample();
  deferAll(() => example.remove());
  secrets = Object.entries(readSecrets(example.root)).filter(([name, [value]]) => {
    if (value && value.length >= MIN_SECRET_LENGTH) return true;
    // Too short to hide without blanking ordinary text: by design, and nothing to check.
    console.warn(`secrets.test.ts: ${name} is shorter than ${MIN_SECRET_LENGTH} characters, so it is not checked`);
    return false;
  });
  server = await connect({ cwd: example.root, env: SERVER_ENV });
  deferAll(() => server.close());
});

/** Every string in `payload` (object keys too), and its JSON text. */
function strings(payload: unknown): string[] {
  const found: string[] = [JSON.stringify(payload)];
  const walk = (value: unknown): void => {
    if (typeof value === "string") found.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        found.push(key);
        walk(item);
      }
    }
  };
  walk(payload);
  return found;
}

/** Fails naming the secret, the form and where it leaked. */
function expectNoSecret(what: string, payload: unknown): void {
  for (const text of strings(payload)) {
    for (const [name, forms] of secrets) {
      const form = forms.find((candidate) => leaks(text, candidate));
      if (form !== undefined) throw new Error(`${what} contains ${name} (as ${JSON.stringify(form)}): ${text.slice(0, 2000)}`);
    }
  }
}

const secretValue = (name: string) => secrets.find(([found]) => found === name)?.[1][0] ?? "";

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

const SETTINGS = "from django.conf import settings\nimport os, sys\nmail = settings.EMAIL_HOST_PASSWORD\n";

describe("the shell", () => {
  test.each([
    ["the value's repr", "(settings.SECRET_KEY, mail)"],
    ["printed whole", "print(settings.SECRET_KEY, settings.DATABASES['default'].get('PASSWORD'), settings.STRIPE_API_KEY)"],
    ["inside an f-string", "print(f\"key={settings.SECRET_KEY}; db={settings.DATABASES['default'].get('PASSWORD')}; stripe={settings.STRIPE_API_KEY}!\")"],
    ["in a dict repr", "{'key': settings.SECRET_KEY, 'db': settings.DATABASES['default'], 'stripe': [settings.STRIPE_API_KEY], 'mail': {mail: ascii(mail)}}"],
    [
      "URL-encoded (quote and quote_plus)",
      "from urllib.parse import quote, quote_plus\nprint([quote(s) for s in (settings.SECRET_KEY, settings.DATABASES['default'].get('PASSWORD') or '', settings.STRIPE_API_KEY, mail)])\n" +
        "print('https://x.test/?k=' + quote_plus(settings.SECRET_KEY) + '&db=' + quote_plus(settings.DATABASES['default'].get('PASSWORD') or '') + '&m=' + quote_plus(mail))",
    ],
    ["in a traceback message", "raise ValueError(settings.SECRET_KEY)"],
    ["in a traceback message, as a repr", "raise KeyError(mail)"],
    ["as JSON", "import json\nprint(json.dumps({'key': settings.SECRET_KEY, 'mail': mail}))\njson.dumps([mail], ensure_ascii=False)"],
    [
      "in an exception's message chained to another",
      'try:\n    raise KeyError(settings.STRIPE_API_KEY)\nexcept KeyError as e:\n    raise RuntimeError(f\'db password {settings.DATABASES["default"].get("PASSWORD")}\') from e',
    ],
    ["on stderr", "print(settings.SECRET_KEY, settings.STRIPE_API_KEY, file=sys.stderr)"],
    ["from the environment", "print(os.environ['PAYMENTS_API_KEY'], os.environ['CACHE_URL'])\ndict(os.environ)"],
  ])("hides the secrets %s", async (_how, code) => {
    const result = await call(server.client, "shell", { code: `${SETTINGS}${code}` });
    expectNoSecret("the result", result);
    expect(JSON.stringify(result)).toContain("[redacted:");
  });

  test("the redacted mark names what was hidden", async () => {
    const printed = await shell(server.client, `${SETTINGS}print(settings.SECRET_KEY)\nprint(os.environ['PAYMENTS_API_KEY'])`);
    expect(printed.stdout).toBe("[redacted:SECRET_KEY]\n[redacted:PAYMENTS_API_KEY]\n");
    const failed = await shell(server.client, `${SETTINGS}raise ValueError(settings.SECRET_KEY)`);
    expect(failed.output.exception?.message).toBe("[redacted:SECRET_KEY]");
  });

  test("short and ordinary values are left alone", async () => {
    const result = await shell(server.client, "print(True, 1, 'django.db.backends.sqlite3', 'hello world')");
    expect(result.stdout).toBe("True 1 django.db.backends.sqlite3 hello world\n");
  });
});

describe("the structured tools and resources", () => {
  test("django://settings, every setting resource and get_setting", async () => {
    expectNoSecret("django://settings", await server.client.readResource({ uri: "django://settings" }));
    for (const name of ["SECRET_KEY", "DATABASES", "STRIPE_API_KEY", "SECRET_KEY_FALLBACKS"]) {
      expectNoSecret(`django://setting/${name}`, await server.client.readResource({ uri: `django://setting/${name}` }));
      expectNoSecret(`get_setting ${name}`, await call(server.client, "get_setting", { name }));
    }
    expectNoSecret("get_setting", await call(server.client, "get_setting"));
  });

  test("run_command: diffsettings prints every setting, redacted", async () => {
    const result = await call(server.client, "run_command", { name: "diffsettings", args: [] });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { stdout: string }).stdout).toContain("SECRET_KEY = '[redacted:SECRET_KEY]'");
    expectNoSecret("diffsettings", result);
    expectNoSecret("diffsettings --all", await call(server.client, "run_command", { name: "diffsettings", args: ["--all"] }));
  });

  test("every resource, read_resource, and a JSON-RPC error quoting a secret", async () => {
    for (const uri of ["django://project", "django://apps", "django://models", "django://settings"]) {
      expectNoSecret(uri, await server.client.readResource({ uri }));
      expectNoSecret(`read_resource ${uri}`, await call(server.client, "read_resource", { uri }));
    }
    const key = secretValue("secret_key");
    const error = await server.client.readResource({ uri: `django://setting/${encodeURIComponent(key)}` }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expectNoSecret("a resource error", (error as Error).message);
  });
});

describe("fresh code", () => {
  test("a new SECRET_KEY is hidden from the first call of the sidecar that loaded it", async () => {
    const copy = secretsExample();
    defer(() => copy.remove());
    const served = await connect({ cwd: copy.root, env: DATABASE_ENV });
    defer(() => served.close());
    expect((await shell(served.client, `${SETTINGS}print(settings.SECRET_KEY)`)).stdout).toBe("[redacted:SECRET_KEY]\n");
    const newKey = "django-insecure-rotated-Kq7!x2@v9#not-secret";
    copy.edit("bookshop/settings.py", 'SECRET_KEY = "django-insecure-example-not-secret"', `SECRET_KEY = "${newKey}"`);
    const result = await call(served.client, "shell", { code: `${SETTINGS}print(settings.SECRET_KEY)` });
    expect((result.structuredContent as { stdout: string }).stdout).toBe("[redacted:SECRET_KEY]\n");
    expect(JSON.stringify(result)).not.toContain(newKey);
  });
});

describe("settings that can't be read", () => {
  test("results still hide the environment's secrets, and the log says only those are", async () => {
    const copy = secretsExample();
    defer(() => copy.remove());
    copy.write("bookshop/settings.py", `${copy.read("bookshop/settings.py")}\nraise RuntimeError("broken settings, key " + os.environ["PAYMENTS_API_KEY"])\n`);
    const served = await connect({ cwd: copy.root, env: SERVER_ENV });
    defer(() => served.close());
    const result = await call(served.client, "shell", { code: "1 + 1" });
    expect(textOf(result)).toContain("broken settings, key [redacted:PAYMENTS_API_KEY]");
    expect(textOf(result)).not.toContain(ENV.PAYMENTS_API_KEY);
    expect(served.stderr()).toContain("only secret-looking environment variables");
  });
});

describe("--show-secrets", () => {
  test.each([
    ["the flag", ["--show-secrets"], {}],
    ["MCP_DJANGO_SHOW_SECRETS=1", [], { MCP_DJANGO_SHOW_SECRETS: "1" }],
  ])("%s shows them, with a warning at start-up", async (_how, args: string[], env: Record<string, string>) => {
    const served = await connect({ cwd: example.root, args, env: { ...DATABASE_ENV, ...env } });
    defer(() => served.close());
    const key = secretValue("secret_key");
    const result = await shell(served.client, `${SETTINGS}print(settings.SECRET_KEY)\nprint(settings.STRIPE_API_KEY)`);
    expect(result.stdout).toBe(`${key}\n${STRIPE_KEY}\n`);
    expect(served.stderr()).toContain("secrets are shown");
  });
});
