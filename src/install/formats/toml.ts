/**
 * TOML (Codex's config.toml): parsed by Bun.TOML, edited as text. An edit rewrites only the
 * statements that define the table being set (its header, its keys, its subtables) and leaves
 * every other table, key and comment of the user's file as it was.
 */
import { type ConfigFormat, FormatError, isPlainObject } from "./format.ts";

interface Statement {
  kind: "header" | "pair" | "other";
  /** A header's table, or a pair's full key (its table's path, then its dotted key). */
  path: string[];
  start: number;
  /** Just past the statement's line end. */
  end: number;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Splits a TOML document into statements, one line each (a multi-line value's lines included). */
class Scanner {
  private pos = 0;
  private table: string[] = [];
  /** Every comment met, as written. */
  readonly comments: string[] = [];

  constructor(private readonly text: string) {}

  statements(): Statement[] {
    const statements: Statement[] = [];
    while (this.pos < this.text.length) {
      const start = this.pos;
      this.spaces();
      const char = this.text[this.pos];
      if (char === undefined || char === "\n" || char === "\r" || char === "#") {
        this.lineEnd();
        statements.push({ kind: "other", path: [], start, end: this.pos });
      } else if (char === "[") {
        const array = this.text[this.pos + 1] === "[";
        this.pos += array ? 2 : 1;
        this.table = this.key();
        this.expect(array ? "]]" : "]");
        this.lineEnd();
        statements.push({ kind: "header", path: this.table, start, end: this.pos });
      } else {
        const key = this.key();
        this.expect("=");
        this.spaces();
        this.value();
        this.lineEnd();
        statements.push({ kind: "pair", path: [...this.table, ...key], start, end: this.pos });
      }
    }
    return statements;
  }

  private fail(message: string): never {
    const line = this.text.slice(0, this.pos).split("\n").length;
    throw new FormatError(`line ${line}: ${message}`);
  }

  private spaces(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }

  private expect(token: string): void {
    this.spaces();
    if (!this.text.startsWith(token, this.pos)) this.fail(`expected ${token}`);
    this.pos += token.length;
  }

  /** The rest of a line after a statement: spaces, maybe a comment, the newline. */
  private lineEnd(): void {
    this.spaces();
    if (this.text[this.pos] === "#") this.comment();
    if (this.text[this.pos] === "\r") this.pos++;
    if (this.pos < this.text.length && this.text[this.pos] !== "\n") this.fail("unexpected text at the end of the line");
    if (this.pos < this.text.length) this.pos++;
  }

  /** A # comment, up to the line end. */
  private comment(): void {
    const newline = this.text.indexOf("\n", this.pos);
    const end = newline < 0 ? this.text.length : newline;
    this.comments.push(this.text.slice(this.pos, end).trimEnd());
    this.pos = end;
  }

  /** A dotted key: bare, "basic" or 'literal' parts. */
  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.spaces();
      const char = this.text[this.pos];
      if (char === '"' || char === "'") {
        const start = this.pos;
        this.string();
        const raw = this.text.slice(start, this.pos);
        parts.push(char === "'" ? raw.slice(1, -1) : unescapeBasic(raw.slice(1, -1)));
      } else {
        const bare = this.text.slice(this.pos).match(/^[A-Za-z0-9_-]+/)?.[0];
        if (!bare) this.fail("expected a key");
        parts.push(bare);
        this.pos += bare.length;
      }
      this.spaces();
      if (this.text[this.pos] !== ".") return parts;
      this.pos++;
    }
  }

  /** Skips a string of any of the four kinds. */
  private string(): void {
    const quote = this.text[this.pos] ?? "";
    const triple = quote.repeat(3);
    if (this.text.startsWith(triple, this.pos)) {
      let at = this.pos + 3;
      for (;;) {
        const close = this.text.indexOf(triple, at);
        if (close < 0) this.fail("unterminated string");
        if (quote === '"' && escaped(this.text, close)) {
          at = close + 1;
          continue;
        }
        // Up to two quotes may end the content just before the delimiter.
        let end = close + 3;
        while (end < close + 5 && this.text[end] === quote) end++;
        this.pos = end;
        return;
      }
    }
    for (let at = this.pos + 1; at < this.text.length; at++) {
      const char = this.text[at];
      if (char === "\n") break;
      if (quote === '"' && char === "\\") at++;
      else if (char === quote) {
        this.pos = at + 1;
        return;
      }
    }
    this.fail("unterminated string");
  }

  /** Skips a value: a string, an array or inline table (across lines), or a scalar up to a comment or the line end. */
  private value(): void {
    const char = this.text[this.pos];
    if (char === '"' || char === "'") {
      this.string();
      return;
    }
    if (char !== "[" && char !== "{") {
      while (this.pos < this.text.length && !["\n", "\r", "#"].includes(this.text[this.pos] ?? "")) this.pos++;
      return;
    }
    let depth = 0;
    while (this.pos < this.text.length) {
      const at = this.text[this.pos];
      if (at === '"' || at === "'") {
        this.string();
        continue;
      }
      if (at === "#") {
        this.comment();
        continue;
      }
      this.pos++;
      if (at === "[" || at === "{") depth++;
      else if ((at === "]" || at === "}") && --depth === 0) return;
    }
    this.fail("unterminated array or inline table");
  }
}

/** Whether the character at `at` is escaped by an odd run of backslashes. */
function escaped(text: string, at: number): boolean {
  let count = 0;
  while (text[at - 1 - count] === "\\") count++;
  return count % 2 === 1;
}

function unescapeBasic(body: string): string {
  const simple: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\", e: "\x1b" };
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, code: string) =>
    code.length > 1 ? String.fromCodePoint(Number.parseInt(code.slice(1), 16)) : (simple[code] ?? code),
  );
}

function renderKey(key: string): string {
  return BARE_KEY.test(key) ? key : renderString(key);
}

/** A basic string: JSON's escapes are all valid TOML, and DEL must be escaped too. */
function renderString(value: string): string {
  return JSON.stringify(value).replaceAll("\x7f", "\\u007f");
}

function renderInline(value: unknown): string {
  if (typeof value === "string") return renderString(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isNaN(value) ? "nan" : Number.isFinite(value) ? String(value) : value > 0 ? "inf" : "-inf";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(renderInline).join(", ")}]`;
  if (isPlainObject(value)) {
    const pairs = Object.entries(value).map(([key, inner]) => `${renderKey(key)} = ${renderInline(inner)}`);
    return pairs.length ? `{ ${pairs.join(", ")} }` : "{}";
  }
  throw new FormatError(`TOML has no way to write ${String(value)}`);
}

/** `[path]` with the table's plain keys, then its object values as subtables. */
function renderTable(path: readonly string[], table: Record<string, unknown>): string {
  const lines = [`[${path.map(renderKey).join(".")}]`];
  const subtables: [string, Record<string, unknown>][] = [];
  for (const [key, value] of Object.entries(table)) {
    if (isPlainObject(value)) subtables.push([key, value]);
    else lines.push(`${renderKey(key)} = ${renderInline(value)}`);
  }
  return [`${lines.join("\n")}\n`, ...subtables.map(([key, value]) => renderTable([...path, key], value))].join("\n");
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

/** Where a header's table ends: after its last key (comments and blank lines below it belong to what follows). */
function tableEnd(statements: Statement[], header: number): number {
  let end = statements[header]?.end ?? 0;
  for (const statement of statements.slice(header + 1)) {
    if (statement.kind === "header") break;
    if (statement.kind === "pair") end = statement.end;
  }
  return end;
}

interface Region {
  start: number;
  end: number;
}

/** The text regions that define the table at `path`: its tables and subtables, and keys that reach into it from elsewhere. */
function definingRegions(statements: Statement[], path: readonly string[]): Region[] {
  const regions: Region[] = [];
  let inOwnTable = false;
  for (const [index, statement] of statements.entries()) {
    if (statement.kind === "header") {
      inOwnTable = startsWith(statement.path, path);
      if (inOwnTable) regions.push({ start: statement.start, end: tableEnd(statements, index) });
    } else if (statement.kind === "pair" && !inOwnTable) {
      if (startsWith(statement.path, path)) regions.push({ start: statement.start, end: statement.end });
      else if (startsWith(path, statement.path)) {
        throw new FormatError(`${statement.path.join(".")} is written as an inline value; make it a [${path.join(".")}] table to let mcp-django edit it`);
      }
    }
  }
  return regions;
}

/** A new table goes after the last table of its parent (beside the other servers), else at the end. */
function insertionPoint(text: string, statements: Statement[], path: readonly string[]): number {
  const parent = path.slice(0, -1);
  const siblings = statements.flatMap((statement, index) =>
    statement.kind === "header" && parent.length > 0 && startsWith(statement.path, parent) ? [index] : [],
  );
  const last = siblings.at(-1);
  return last === undefined ? text.length : tableEnd(statements, last);
}

function setTable(text: string, path: readonly string[], value: unknown, newFile: Record<string, unknown>): string {
  if (!isPlainObject(value)) throw new FormatError(`${path.join(".")} must be a table`);
  const table = renderTable(path, value);
  if (text.trim() === "") {
    const top = Object.entries(newFile).map(([key, inner]) => `${renderKey(key)} = ${renderInline(inner)}\n`);
    return top.length ? `${top.join("")}\n${table}` : table;
  }
  const statements = new Scanner(text).statements();
  const regions = definingRegions(statements, path);
  const first = regions[0];
  if (first) {
    // A table where the first one was; keys in a parent table can't be followed by a header
    // there (the parent's later keys would fall into it), so then the table goes in anew.
    const inPlace = statements.some((statement) => statement.kind === "header" && statement.start === first.start);
    let result = text;
    for (const region of [...regions].reverse()) {
      const replacement = inPlace && region === first ? table : "";
      result = result.slice(0, region.start) + replacement + result.slice(region.end);
    }
    return inPlace ? result : setTable(result, path, value, newFile);
  }
  const at = insertionPoint(text, statements, path);
  let before = text.slice(0, at);
  const after = text.slice(at);
  if (!before.endsWith("\n")) before += "\n";
  if (!before.endsWith("\n\n")) before += "\n";
  return `${before}${table}${after && !after.startsWith("\n") ? "\n" : ""}${after}`;
}

export const toml: ConfigFormat = {
  parse(text) {
    try {
      return Bun.TOML.parse(text);
    } catch (error) {
      throw new FormatError((error as Error).message.replace(/^TOML Parse error: /, ""));
    }
  },
  set: (text, path, value, newFile = {}) => setTable(text, path, value, newFile),
  comments(text) {
    const scanner = new Scanner(text);
    scanner.statements();
    return scanner.comments;
  },
};
