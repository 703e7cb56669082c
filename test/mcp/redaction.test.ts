/**
 * Secrets never reach the model: the matcher (src/mcp/redact.ts) on the forms printing gives a
 * value, and the MCP edge that runs it on every message (src/mcp/strict-server.ts), in process.
 * The Python forms below are what CPython 3 prints for these values (repr, ascii, json.dumps,
 * urllib.parse.quote and quote_plus, a traceback's last line).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { type CallToolResult, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { DjangoService } from "../../src/django/service.ts";
import { ProjectError } from "../../src/errors.ts";
import { deepFreeze } from "../../src/frozen.ts";
import { createRedactor, MIN_SECRET_LENGTH, type Redactor, redactedMark, type Secret, secretForms } from "../../src/mcp/redact.ts";
import { textOf } from "../support/client.ts";
import { FAKE_SETTINGS, fakeDjango } from "../support/fake-django.ts";
import { connectInProcess, type InProcess } from "../support/in-process.ts";

/** A key as Django generates them: every kind of punctuation it uses. */
const KEY = "django-insecure-a1!b2@c3#d4$e5%f6^g7&h8*i9(j0)-_=+";
/** Quotes, a backslash, non-ASCII, a slash, a space, + and & and a control character: every escape. */
const TRICKY = "p'a\"ss\\wörd €/ 1+2&3\x01";
const SECRETS: Secret[] = [
  { name: "SECRET_KEY", value: KEY },
  { name: "DATABASES.default.PASSWORD", value: TRICKY },
];

const redactor = (secrets: Secret[] = SECRETS): Redactor => {
  const made = createRedactor();
  made.add(secrets);
  return made;
};

const KEY_MARK = redactedMark("SECRET_KEY");
const TRICKY_MARK = redactedMark("DATABASES.default.PASSWORD");

describe("the matcher finds a secret value", () => {
  const { text } = redactor();

  test("whole, and inside a longer string (an f-string)", () => {
    expect(text(KEY)).toBe(KEY_MARK);
    expect(text(`The key is ${KEY}!`)).toBe(`The key is ${KEY_MARK}!`);
    expect(text(`${TRICKY}${KEY}`)).toBe(`${TRICKY_MARK}${KEY_MARK}`);
  });

  test.each([
    ["repr()", "'p\\'a\"ss\\\\w\u00f6rd \u20ac/ 1+2&3\\x01'"],
    ["ascii()", "'p\\'a\"ss\\\\w\\xf6rd \\u20ac/ 1+2&3\\x01'"],
    ["a dict's repr", "{'SECRET': 'p\\'a\"ss\\\\w\u00f6rd \u20ac/ 1+2&3\\x01', 'n': 1}"],
    ["the repr of a list of reprs", "['\\'p\\\\\\'a\"ss\\\\\\\\w\u00f6rd \u20ac/ 1+2&3\\\\x01\\'']"],
    ["json.dumps()", '"p\'a\\"ss\\\\w\\u00f6rd \\u20ac/ 1+2&3\\u0001"'],
    ["json.dumps(ensure_ascii=False)", '"p\'a\\"ss\\\\w\u00f6rd \u20ac/ 1+2&3\\u0001"'],
    ["urllib.parse.quote()", "p%27a%22ss%5Cw%C3%B6rd%20%E2%82%AC/%201%2B2%263%01"],
    ["urllib.parse.quote_plus()", "p%27a%22ss%5Cw%C3%B6rd+%E2%82%AC%2F+1%2B2%263%01"],
    ["a traceback's last line", "ValueError: p'a\"ss\\w\u00f6rd \u20ac/ 1+2&3\u0001\n"],
    ["an exception's repr", "ValueError('p\\'a\"ss\\\\w\u00f6rd \u20ac/ 1+2&3\\x01')"],
  ])("as %s", (_how, printed) => {
    const redacted = text(`before ${printed} after`);
    expect(redacted).toContain(TRICKY_MARK);
    expect(redacted).not.toContain("ss\\");
    expect(redacted).not.toContain("%5C");
    expect(redacted.startsWith("before ")).toBe(true);
  });

  test.each([
    ["urllib.parse.quote()", "django-insecure-a1%21b2%40c3%23d4%24e5%25f6%5Eg7%26h8%2Ai9%28j0%29-_%3D%2B"],
    ["a query string", "https://x.test/cb?token=django-insecure-a1%21b2%40c3%23d4%24e5%25f6%5Eg7%26h8%2Ai9%28j0%29-_%3D%2B&next=/"],
    ["encodeURIComponent()", encodeURIComponent(KEY)],
    ["form encoding", new URLSearchParams({ k: KEY }).toString()],
    ["quoted twice (a URL inside a query string)", encodeURIComponent(encodeURIComponent(KEY))],
  ])("URL-encoded: %s", (_how, printed) => {
    expect(text(printed)).toContain(KEY_MARK);
    expect(text(printed)).not.toContain("a1%21b2");
  });

  test("JSON-escaped, and a repr inside JSON (the text mirror of a structured result)", () => {
    const structured = { output: { value: `{'SECRET': ${JSON.stringify(TRICKY)}}` }, stdout: `${TRICKY}\n` };
    const mirrored = JSON.stringify({ value: "'p\\'a\"ss\\\\w\u00f6rd \u20ac/ 1+2&3\\x01'", structured });
    expect(text(mirrored)).not.toContain("ss\\");
    expect(text(JSON.stringify({ KEY }))).toBe(`{"KEY":"${KEY_MARK}"}`);
  });

  test("a password in a URL, as written", () => {
    const { text } = redactor([{ name: "DATABASE_URL", value: "p@ss/w0rd:x" }]);
    expect(text(`postgres://app:${encodeURIComponent("p@ss/w0rd:x")}@db/app`)).toBe(`postgres://app:${redactedMark("DATABASE_URL")}@db/app`);
  });
});

describe("what is not redacted", () => {
  test("values shorter than the minimum are never hidden", () => {
    const { text, size } = redactor([
      { name: "FEATURE_KEY", value: "true" },
      { name: "TOKEN_TTL", value: "1" },
      { name: "EMPTY_PASSWORD", value: "" },
      { name: "BLANK_SECRET", value: "      " },
    ]);
    expect(size).toBe(0);
    expect(text("true 1 DEBUG = True, x = 1")).toBe("true 1 DEBUG = True, x = 1");
    expect(MIN_SECRET_LENGTH).toBe(6);
  });

  test("a short plain word is hidden where it stands alone, not inside a name or a path", () => {
    const { text } = redactor([{ name: "DATABASES.default.PASSWORD", value: "postgres" }]);
    const mark = redactedMark("DATABASES.default.PASSWORD");
    expect(text("django.db.backends.postgresql")).toBe("django.db.backends.postgresql");
    expect(text("/usr/lib/postgres/bin")).toBe("/usr/lib/postgres/bin");
    expect(text("postgres.conf")).toBe("postgres.conf");
    expect(text("'PASSWORD': 'postgres'")).toBe(`'PASSWORD': '${mark}'`);
    expect(text("password=postgres&sslmode=require")).toBe(`password=${mark}&sslmode=require`);
    expect(text("postgres://app:postgres@db/app")).toBe(`postgres://app:${mark}@db/app`);
    expect(text("The password is postgres.")).toBe(`The password is ${mark}.`);
    expect(text('"line\\npostgres"')).toBe(`"line\\n${mark}"`);
  });

  test("text without a secret is returned as it was, and nothing is hidden when redaction is off", () => {
    const value = { a: ["x", { b: "y" }], n: 1, nothing: null };
    expect(redactor().value(value)).toBe(value);
    const off = createRedactor({ enabled: false });
    expect(off.add(SECRETS)).toBe(0);
    expect(off.value({ KEY })).toEqual({ KEY });
  });
});

describe("every string of a value", () => {
  const { value } = redactor();

  test("nested objects and arrays, and object keys", () => {
    const result: unknown = value({ content: [{ type: "text", text: `key ${KEY}` }], structured: { [KEY]: [[`x${TRICKY}`]], n: 3, ok: true } });
    expect(result).toEqual({ content: [{ type: "text", text: `key ${KEY_MARK}` }], structured: { [KEY_MARK]: [[`x${TRICKY_MARK}`]], n: 3, ok: true } });
  });

  test("values added later are hidden from then on, and earlier ones stay hidden", () => {
    const growing = createRedactor();
    expect(growing.value({ KEY })).toEqual({ KEY });
    expect(growing.add([SECRETS[0] as Secret])).toBe(1);
    expect(growing.add([SECRETS[0] as Secret])).toBe(0);
    growing.add([{ name: "STRIPE_API_KEY", value: "sk_test_123456789" }]);
    expect(growing.text(`${KEY} sk_test_123456789`)).toBe(`${KEY_MARK} ${redactedMark("STRIPE_API_KEY")}`);
  });

  test("a frozen answer sent again is redacted for a value added since it was first sent", () => {
    const growing = createRedactor();
    growing.add([SECRETS[0] as Secret]);
    const answer = deepFreeze({ routes: [{ name: "home", note: `x ${TRICKY}` }] });
    expect(growing.value(answer)).toBe(answer);
    expect(growing.value(answer)).toBe(answer);
    growing.add([SECRETS[1] as Secret]);
    expect(growing.value(answer) as unknown).toEqual({ routes: [{ name: "home", note: `x ${TRICKY_MARK}` }] });
  });

  test("the forms of a value are built once per value, each different", () => {
    const forms = secretForms(TRICKY);
    expect(new Set(forms).size).toBe(forms.length);
    expect(forms).toContain(TRICKY);
    expect(secretForms("abcdef")).toEqual(["abcdef"]);
  });
});

describe("the MCP edge redacts every message it sends", () => {
  let connected: InProcess | undefined;
  afterEach(async () => {
    await connected?.close();
    connected = undefined;
  });

  const connectWith = async (django: DjangoService) => {
    connected = await connectInProcess(django, redactor());
    return connected.client;
  };

  test("a tool's structured result and its text mirror", async () => {
    const client = await connectWith(
      fakeDjango({
        commands: {
          ...fakeDjango().commands,
          run: async () => ({ command: "diffsettings", args: [], status: 0, stdout: `SECRET_KEY = '${KEY}'\n`, stderr: "", error: null, duration: 0.1 }),
        },
      }),
    );
    const result = (await client.callTool({ name: "run_command", arguments: { name: "diffsettings" } })) as CallToolResult;
    expect(JSON.stringify(result)).not.toContain("a1!b2");
    expect((result.structuredContent as { stdout: string }).stdout).toBe(`SECRET_KEY = '${KEY_MARK}'\n`);
    expect(textOf(result)).toContain(KEY_MARK);
  });

  test("a tool error with a traceback", async () => {
    const client = await connectWith(
      fakeDjango({
        routes: async () => {
          throw new ProjectError("failed", TRICKY, "ValueError", ['  File "urls.py", line 1', `ValueError: ${TRICKY}`]);
        },
      }),
    );
    const result = (await client.callTool({ name: "list_routes", arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).not.toContain("ss\\");
    expect(textOf(result)).toContain(TRICKY_MARK);
  });

  test("a resource, and a JSON-RPC error's message", async () => {
    const client = await connectWith(
      fakeDjango({
        settings: async () => ({ ...FAKE_SETTINGS, settings: { ...FAKE_SETTINGS.settings, LEAKY: `prefix ${KEY}` } }),
        app: async () => {
          throw new Error(`could not load ${KEY}`);
        },
      }),
    );
    const read = await client.readResource({ uri: "django://settings" });
    expect(JSON.stringify(read)).not.toContain("a1!b2");
    expect(JSON.stringify(read)).toContain(KEY_MARK);
    const error = await client.readResource({ uri: "django://app/catalog" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).not.toContain("a1!b2");
    expect((error as McpError).message).toContain(KEY_MARK);
  });
});
