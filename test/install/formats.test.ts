/** The text edits on their own: one value set, everything else in the text kept, whatever the file's layout. */
import { describe, expect, test } from "bun:test";
import { FormatError } from "../../src/install/formats/format.ts";
import { json, jsonc } from "../../src/install/formats/jsonc.ts";
import { toml } from "../../src/install/formats/toml.ts";

const PATH = ["servers", "django"];
const ENTRY = { command: "run", args: ["--project", "/p"] };

describe("jsonc", () => {
  test("an empty file becomes a new document holding the new-file keys and the value", () => {
    expect(JSON.parse(jsonc.set("", PATH, ENTRY, { $schema: "s" }))).toEqual({ $schema: "s", servers: { django: ENTRY } });
  });

  test("a file holding only comments keeps them above the new document", () => {
    expect(jsonc.set("// settings\n", ["a"], 1)).toBe('// settings\n{\n  "a": 1\n}\n');
  });

  test("an empty object gets the value on lines of its own", () => {
    expect(jsonc.set("{}\n", ["a"], 1)).toBe('{\n  "a": 1\n}\n');
  });

  test("an object holding only a comment gets the value above the comment", () => {
    const text = jsonc.set('{\n  "servers": {\n    // none yet\n  }\n}\n', PATH, 1);
    expect(text).toBe('{\n  "servers": {\n    "django": 1\n    // none yet\n  }\n}\n');
  });

  test("a one-line object is opened up, and stays valid JSON", () => {
    expect(JSON.parse(json.set('{ "theme": "dark" }', ["a"], { b: 1 }))).toEqual({ theme: "dark", a: { b: 1 } });
  });

  test("tab indentation is followed", () => {
    expect(jsonc.set('{\n\t"x": 1\n}\n', ["a"], { b: 1 })).toBe('{\n\t"x": 1,\n\t"a": {\n\t\t"b": 1\n\t}\n}\n');
  });

  test("a comment after the last member stays on that member's line", () => {
    expect(jsonc.set('{\n  "x": 1 // one\n}\n', ["a"], 2)).toBe('{\n  "x": 1, // one\n  "a": 2\n}\n');
  });

  test("a trailing comma is reused, not doubled", () => {
    expect(jsonc.set('{\n  "x": 1,\n}\n', ["a"], 2)).toBe('{\n  "x": 1,\n  "a": 2\n}\n');
  });

  test("an existing value is replaced where it is, the text around it untouched", () => {
    const text = '{\n  "servers": {\n    "django": "old", // note\n    "z": 1\n  }\n}\n';
    expect(jsonc.set(text, PATH, "new")).toBe(text.replace('"old"', '"new"'));
  });

  test("strings holding braces, quotes and comment markers don't confuse the parser", () => {
    const text = '{ "a": "} // \\" /* {", "b": [1, {"c": "]"}] }';
    expect(jsonc.parse(text)).toEqual(JSON.parse(text));
  });

  test("a __proto__ key is read as a key, not a prototype", () => {
    const parsed = jsonc.parse('{ "__proto__": { "polluted": true } }') as Record<string, unknown>;
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("strict JSON refuses comments and trailing commas, naming the line and column", () => {
    expect(() => json.parse('{\n  "a": 1, // no\n}')).toThrow(new FormatError("line 2, column 11: comments are not allowed in this file"));
    expect(() => json.parse('{\n  "a": 1,\n}')).toThrow(new FormatError("line 2, column 9: trailing commas are not allowed in this file"));
  });

  test("a servers key that isn't an object is refused rather than replaced", () => {
    expect(() => jsonc.set('{ "servers": [] }', PATH, 1)).toThrow(new FormatError("servers is not an object"));
  });

  test("the comments of a text are listed as written", () => {
    expect(jsonc.comments('// a\n{ /* b */ "x": 1 // c\n}')).toEqual(["// a", "/* b */", "// c"]);
  });
});

describe("toml", () => {
  test("a new table goes after the last table of its parent, before the comments of what follows", () => {
    const text = '[mcp_servers.a]\ncommand = "a"\n\n# fast\n[profiles.fast]\nmodel = "m"\n';
    expect(toml.set(text, ["mcp_servers", "django"], ENTRY)).toBe(
      '[mcp_servers.a]\ncommand = "a"\n\n[mcp_servers.django]\ncommand = "run"\nargs = ["--project", "/p"]\n\n# fast\n[profiles.fast]\nmodel = "m"\n',
    );
  });

  test("a file without servers gets the table at its end, after a blank line", () => {
    expect(toml.set('model = "m"', ["mcp_servers", "django"], { command: "x" })).toBe('model = "m"\n\n[mcp_servers.django]\ncommand = "x"\n');
  });

  test("keys that reach into the table from its parent (dotted keys, inline tables) are replaced by the table", () => {
    const text = '[mcp_servers]\ndjango.command = "old"\ndjango.args = []\nother = { command = "o" }\n';
    const result = toml.set(text, ["mcp_servers", "django"], ENTRY);
    expect(Bun.TOML.parse(result)).toEqual({ mcp_servers: { other: { command: "o" }, django: ENTRY } });
  });

  test("multi-line strings and arrays holding brackets and hashes are skipped whole", () => {
    const text = 'a = """\n[mcp_servers.django]\n# not a comment\n"""\nb = [\n  "]", # real comment\n  \'[x]\',\n]\n';
    const result = toml.set(text, ["mcp_servers", "django"], { command: "x" });
    expect(Bun.TOML.parse(result)).toEqual({ a: "[mcp_servers.django]\n# not a comment\n", b: ["]", "[x]"], mcp_servers: { django: { command: "x" } } });
    expect(toml.comments(text)).toEqual(["# real comment"]);
  });

  test("nested objects become subtables and strings are escaped", () => {
    expect(toml.set("", ["s", "d"], { command: 'a "b"\\', env: { "A.B": "1" } })).toBe('[s.d]\ncommand = "a \\"b\\"\\\\"\n\n[s.d.env]\n"A.B" = "1"\n');
  });

  test("a parse error keeps the parser's message", () => {
    expect(() => toml.parse("a = ")).toThrow(FormatError);
  });
});
