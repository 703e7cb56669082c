/**
 * JSON and JSON with comments (Zed's settings, VS Code's mcp.json, opencode.json): a parser that
 * keeps where each value lies in the text, so an edit replaces or inserts just the one member
 * and leaves the user's comments, order and formatting alone.
 */
import { type ConfigFormat, FormatError, nest } from "./format.ts";

interface Span {
  start: number;
  /** Just past the last character. */
  end: number;
}

interface Member {
  key: string;
  keyStart: number;
  value: JsonNode;
  /** The comma after this member, when there is one (a trailing comma in JSONC). */
  comma?: number;
}

type JsonNode =
  | (Span & { kind: "object"; members: Member[] })
  | (Span & { kind: "array"; items: JsonNode[] })
  | (Span & { kind: "scalar"; value: string | number | boolean | null });

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A string token; JSON.parse then refuses one with raw control characters. */
const STRING = /"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** A recursive-descent parser over the text; `strict` refuses comments and trailing commas. */
class Parser {
  private pos = 0;
  /** Every comment met, as written. */
  readonly comments: string[] = [];

  constructor(
    private readonly text: string,
    private readonly strict: boolean,
  ) {}

  document(): JsonNode | undefined {
    this.skip();
    if (this.pos === this.text.length) return undefined;
    const node = this.value();
    this.skip();
    if (this.pos < this.text.length) this.fail("unexpected text after the end of the document");
    return node;
  }

  private fail(message: string, at = this.pos): never {
    const before = this.text.slice(0, at).split("\n");
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    throw new FormatError(`line ${line}, column ${column}: ${message}`);
  }

  /** Whitespace and, unless strict, // and /* comments. */
  private skip(): void {
    const text = this.text;
    for (;;) {
      while (this.pos < text.length && /\s/.test(text[this.pos] ?? "")) this.pos++;
      if (text.startsWith("//", this.pos) || text.startsWith("/*", this.pos)) {
        if (this.strict) this.fail("comments are not allowed in this file");
        const block = text.startsWith("/*", this.pos);
        const close = block ? text.indexOf("*/", this.pos + 2) : text.indexOf("\n", this.pos);
        if (block && close < 0) this.fail("unterminated /* comment");
        const end = close < 0 ? text.length : close + (block ? 2 : 0);
        this.comments.push(text.slice(this.pos, end));
        this.pos = end;
        continue;
      }
      return;
    }
  }

  private value(): JsonNode {
    const start = this.pos;
    const char = this.text[start];
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') {
      const value = this.string();
      return { kind: "scalar", start, end: this.pos, value };
    }
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, start)) {
        this.pos += word.length;
        return { kind: "scalar", start, end: this.pos, value };
      }
    }
    NUMBER.lastIndex = start;
    const number = NUMBER.exec(this.text);
    if (!number) this.fail(char === undefined ? "unexpected end of the file" : `unexpected ${JSON.stringify(char)}`);
    this.pos += number[0].length;
    return { kind: "scalar", start, end: this.pos, value: Number(number[0]) };
  }

  private string(): string {
    STRING.lastIndex = this.pos;
    const match = STRING.exec(this.text);
    if (!match) this.fail("malformed string");
    let value: string;
    try {
      value = JSON.parse(match[0]) as string;
    } catch {
      this.fail("control characters must be escaped in strings");
    }
    this.pos += match[0].length;
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.pos++;
  }

  /** After an item: a comma (then maybe the closing bracket, a trailing comma) or the closing bracket. */
  private separator(close: string): { comma?: number; done: boolean } {
    this.skip();
    if (this.text[this.pos] === close) return { done: true };
    const comma = this.pos;
    this.expect(",");
    this.skip();
    if (this.text[this.pos] === close) {
      if (this.strict) this.fail("trailing commas are not allowed in this file", comma);
      return { comma, done: true };
    }
    return { comma, done: false };
  }

  private object(): JsonNode {
    const start = this.pos;
    this.pos++;
    const members: Member[] = [];
    this.skip();
    if (this.text[this.pos] !== "}") {
      for (;;) {
        const keyStart = this.pos;
        if (this.text[keyStart] !== '"') this.fail("expected a quoted key");
        const key = this.string();
        this.skip();
        this.expect(":");
        this.skip();
        const member: Member = { key, keyStart, value: this.value() };
        members.push(member);
        const { comma, done } = this.separator("}");
        member.comma = comma;
        if (done) break;
      }
    }
    this.pos++;
    return { kind: "object", start, end: this.pos, members };
  }

  private array(): JsonNode {
    const start = this.pos;
    this.pos++;
    const items: JsonNode[] = [];
    this.skip();
    if (this.text[this.pos] !== "]") {
      for (;;) {
        items.push(this.value());
        if (this.separator("]").done) break;
      }
    }
    this.pos++;
    return { kind: "array", start, end: this.pos, items };
  }
}

function toValue(node: JsonNode): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "array") return node.items.map(toValue);
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries(node.members.map((member) => [member.key, toValue(member.value)]));
}

/** The member named `key`; the last one wins, as in JSON.parse. */
function memberOf(node: JsonNode, key: string): Member | undefined {
  return node.kind === "object" ? node.members.findLast((member) => member.key === key) : undefined;
}

/** The file's indentation unit, from its first indented line; two spaces when it has none. */
function indentUnit(text: string): string {
  const match = text.match(/^([ \t]+)\S/m);
  if (!match?.[1]) return "  ";
  return match[1].startsWith("\t") ? "\t" : " ".repeat(Math.min(match[1].length, 8));
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}

/** The whitespace that starts the line `at` is on. */
function lineIndent(text: string, at: number): string {
  return text.slice(lineStart(text, at)).match(/^[ \t]*/)?.[0] ?? "";
}

/** `value` as JSON indented by `unit`, its later lines shifted by `base` to sit at that depth. */
function render(value: unknown, unit: string, base: string): string {
  return JSON.stringify(value, null, unit).replaceAll("\n", `\n${base}`);
}

interface Edit {
  at: number;
  /** How many characters the edit replaces. */
  remove: number;
  insert: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let result = text;
  // From the end, so earlier offsets stay valid; of two at one place, the one listed first ends up first.
  const ordered = edits.map((edit, index) => ({ edit, index })).sort((a, b) => b.edit.at - a.edit.at || b.index - a.index);
  for (const { edit } of ordered) {
    result = result.slice(0, edit.at) + edit.insert + result.slice(edit.at + edit.remove);
  }
  return result;
}

/** Adds the member `key: value` at the end of `object`, after its last member and that member's comments. */
function insertMember(text: string, object: JsonNode & { kind: "object" }, key: string, value: unknown): string {
  const unit = indentUnit(text);
  const outer = lineIndent(text, object.start);
  const first = object.members[0];
  // Members already on lines of their own set the indentation; else one level in.
  const firstOnOwnLine = first && text.slice(lineStart(text, first.keyStart), first.keyStart).trim() === "";
  const indent = first && firstOnOwnLine ? lineIndent(text, first.keyStart) : outer + unit;
  const member = `${JSON.stringify(key)}: ${render(value, unit, indent)}`;
  const close = object.end - 1;
  const last = object.members.at(-1);
  if (!last) {
    const body = text.slice(object.start + 1, close);
    if (body.trim() === "") return applyEdits(text, [{ at: object.start + 1, remove: body.length, insert: `\n${indent}${member}\n${outer}` }]);
    // Only comments inside: ours goes first, the comments stay below it.
    return applyEdits(text, [{ at: object.start + 1, remove: 0, insert: `\n${indent}${member}` }]);
  }
  const edits: Edit[] = [];
  let after = last.comma === undefined ? last.value.end : last.comma + 1;
  if (last.comma === undefined) edits.push({ at: last.value.end, remove: 0, insert: "," });
  // A comment on the rest of the last member's line stays with that member.
  const lineEnd = text.indexOf("\n", after);
  const rest = text.slice(after, lineEnd < 0 ? text.length : lineEnd);
  if (/^[ \t]*(\/\/.*)?$/.test(rest)) after += rest.length;
  // A closing brace on the same line moves to a line of its own, below ours.
  const between = text.slice(after, close);
  const closeOnSameLine = !between.includes("\n");
  const remove = closeOnSameLine && between.trim() === "" ? between.length : 0;
  edits.push({ at: after, remove, insert: `\n${indent}${member}${closeOnSameLine ? `\n${outer}` : ""}` });
  return applyEdits(text, edits);
}

function parseNode(text: string, strict: boolean): JsonNode | undefined {
  return new Parser(text, strict).document();
}

function setAt(text: string, path: readonly string[], value: unknown, newFile: Record<string, unknown>, strict: boolean): string {
  const root = parseNode(text, strict);
  if (!root) {
    // Nothing but whitespace or comments: a new document, below the comments.
    const document = `${JSON.stringify({ ...newFile, ...(nest(path, value) as object) }, null, 2)}\n`;
    return text.trim() === "" ? document : `${text.trimEnd()}\n${document}`;
  }
  if (root.kind !== "object") throw new FormatError("the top level is not an object");
  let container: JsonNode = root;
  for (const [depth, key] of path.entries()) {
    const member = memberOf(container, key);
    if (!member) {
      if (container.kind !== "object") throw new FormatError(`${path.slice(0, depth).join(".")} is not an object`);
      return insertMember(text, container, key, nest(path.slice(depth + 1), value));
    }
    if (depth === path.length - 1) {
      const unit = indentUnit(text);
      return applyEdits(text, [
        { at: member.value.start, remove: member.value.end - member.value.start, insert: render(value, unit, lineIndent(text, member.keyStart)) },
      ]);
    }
    if (member.value.kind !== "object") throw new FormatError(`${path.slice(0, depth + 1).join(".")} is not an object`);
    container = member.value;
  }
  throw new FormatError("empty path");
}

function format(strict: boolean): ConfigFormat {
  return {
    parse(text) {
      const root = parseNode(text, strict);
      return root ? toValue(root) : {};
    },
    set: (text, path, value, newFile = {}) => setAt(text, path, value, newFile, strict),
    comments(text) {
      const parser = new Parser(text, strict);
      parser.document();
      return parser.comments;
    },
  };
}

/** Strict JSON: a file with comments or trailing commas is not one the client can read. */
export const json: ConfigFormat = format(true);
/** JSON with comments and trailing commas. */
export const jsonc: ConfigFormat = format(false);
