/**
 * Secrets never reach the model: the project's secret values (its SECRET_KEY, database and cache
 * passwords, API keys, secret-looking environment variables; listed by the sidecar, see
 * py/mcp_django_bun/sidecar/redaction.py) are replaced by `[redacted:NAME]` in every message the
 * server sends, whatever produced it: shell output and tracebacks, command output, resources,
 * tool errors, JSON-RPC errors.
 *
 * A value is found printed whole or inside a longer string, and in the forms printing gives it:
 * Python's repr() and ascii(), JSON (JavaScript's and Python's), percent-encoding (urllib's quote
 * and quote_plus, encodeURIComponent, form encoding), and these applied twice (a repr inside JSON,
 * a URL inside a query string), or three times when the last is JSON, as every result is also
 * sent as JSON text. The forms are built once per value and matched by one regular expression,
 * longest first.
 *
 * Values shorter than MIN_SECRET_LENGTH are never hidden ("1", "true"). A short plain word
 * ("postgres", "django", "hunter2": a development password) is hidden only where it stands alone,
 * not inside a longer name ("postgresql", "django.db"), or it would blank ordinary text.
 */
import { isDeeplyFrozen } from "../frozen.ts";

/** A secret value, and the name shown in its place (`SECRET_KEY`, `DATABASES.default.PASSWORD`). */
export interface Secret {
  name: string;
  value: string;
}

export const MIN_SECRET_LENGTH = 6;

/** What a hidden value is replaced by. */
export const redactedMark = (name: string) => `[redacted:${name}]`;

type Encoding = (text: string) => string;

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, "0");

/** Python's str.isprintable(), by Unicode category: control, format, surrogate, private, unassigned, separators (but the space). */
const PYTHON_UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** A string literal's inside as Python's repr() (`asciiOnly`: ascii()) writes it, between `quote`s. */
function pythonLiteral(text: string, quote: "'" | '"', asciiOnly: boolean): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\\" || char === quote) out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x80 || (!asciiOnly && !PYTHON_UNPRINTABLE.test(char))) out += char;
    else if (code < 0x100) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out;
}

const JSON_SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** A JSON string's inside as Python's json.dumps() writes it (ensure_ascii: every non-ASCII UTF-16 unit as \uXXXX). */
function pythonJson(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const code = text.charCodeAt(i);
    out += JSON_SHORT_ESCAPES[char] ?? (code < 0x20 || code > 0x7e ? `\\u${hex(code, 4)}` : char);
  }
  return out;
}

/** Percent-encoding of the UTF-8 bytes of every character but those `kept` (and space as `+` when `plus`). */
function percentEncode(text: string, kept: RegExp, plus: boolean): string {
  let out = "";
  for (const char of text) {
    if (kept.test(char)) out += char;
    else if (plus && char === " ") out += "+";
    else for (const byte of new TextEncoder().encode(char)) out += `%${hex(byte, 2).toUpperCase()}`;
  }
  return out;
}

const UNRESERVED = /^[A-Za-z0-9_.~-]$/;
const UNRESERVED_AND_SLASH = /^[A-Za-z0-9_.~/-]$/;

/** The ways printing a string writes it, without the quotes around it. */
const ENCODINGS: readonly Encoding[] = [
  (text) => pythonLiteral(text, "'", false), // repr()
  (text) => pythonLiteral(text, '"', false), // repr() of a string with ' in it
  (text) => pythonLiteral(text, "'", true), // ascii()
  (text) => JSON.stringify(text).slice(1, -1), // JSON.stringify
  pythonJson, // json.dumps
  (text) => percentEncode(text, UNRESERVED_AND_SLASH, false), // urllib.parse.quote
  (text) => percentEncode(text, UNRESERVED, false), // quote(safe="")
  (text) => percentEncode(text, UNRESERVED, true), // quote_plus
  encodeURIComponent,
  (text) => new URLSearchParams([["", text]]).toString().slice(1), // form encoding
];
const toJson = ENCODINGS[3] as Encoding;

/** `encoding(text)`, or undefined where it can't encode it (encodeURIComponent and a lone surrogate). */
function apply(encoding: Encoding, text: string): string | undefined {
  try {
    return encoding(text);
  } catch {
    return undefined;
  }
}

/** Every form of `value` to look for: itself, each encoding of it, each of those encoded again, and those as JSON. */
export function secretForms(value: string): string[] {
  const forms = new Set([value]);
  const once = ENCODINGS.map((encoding) => apply(encoding, value)).filter((form) => form !== undefined);
  for (const form of once) forms.add(form);
  for (const form of once) {
    for (const encoding of ENCODINGS) {
      const twice = apply(encoding, form);
      if (twice === undefined) continue;
      forms.add(twice);
      forms.add(toJson(twice));
    }
  }
  return [...forms];
}

/** A short plain word or name with digits: found only where it stands alone. */
const PLAIN_WORD = /^[A-Za-z]+[0-9]*$/;
const PLAIN_WORD_MAX = 15;
/**
 * Alone: not after a letter, digit, `_`, `-`, `.`, `/` or `\` (but after an escape such as `\n`),
 * and not before one, nor before `://` (a URL's scheme); a `.` ending a sentence is fine.
 */
const ALONE_BEFORE = String.raw`(?<=^|[^A-Za-z0-9_\-./\\]|\\[nrtbf'"])`;
const ALONE_AFTER = String.raw`(?![A-Za-z0-9_\-/]|\\(?![nrtbfu'"\\])|\.[A-Za-z0-9_]|:\/\/)`;

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

interface Matcher {
  pattern: RegExp;
  /** Each form matched, to the name of the value it is a form of. */
  names: Map<string, string>;
}

function compile(secrets: Iterable<Secret>): Matcher | undefined {
  const names = new Map<string, string>();
  const alone = new Set<string>();
  for (const { name, value } of secrets) {
    if (PLAIN_WORD.test(value) && value.length <= PLAIN_WORD_MAX) {
      if (!names.has(value)) names.set(value, name);
      alone.add(value);
      continue;
    }
    for (const form of secretForms(value)) if (!names.has(form)) names.set(form, name);
  }
  if (names.size === 0) return undefined;
  const alternatives = [...names.keys()]
    .sort((a, b) => b.length - a.length)
    .map((form) => (alone.has(form) ? `${ALONE_BEFORE}${escapeRegExp(form)}${ALONE_AFTER}` : escapeRegExp(form)));
  return { pattern: new RegExp(alternatives.join("|"), "g"), names };
}

/** Hides the project's secret values in strings, and in every string of a JSON value. */
export interface Redactor {
  /** Values to hide from now on (those already known stay hidden); returns how many were new. */
  add(secrets: Iterable<Secret>): number;
  /** How many distinct values are hidden. */
  readonly size: number;
  /** `text` with every form of every value replaced by `[redacted:NAME]`. */
  text(text: string): string;
  /** `value` with every string in it redacted, object keys too; the same value when nothing was. */
  value<T>(value: T): T;
}

/** A redactor with no value to hide yet; `enabled: false` (--show-secrets) hides nothing, ever. */
export function createRedactor(options: { enabled?: boolean } = {}): Redactor {
  const enabled = options.enabled ?? true;
  const secrets = new Map<string, string>();
  let matcher: Matcher | undefined;
  let stale = false;
  // Deeply frozen values (a cached answer sent again: src/frozen.ts) found holding no secret,
  // while the secrets stay the same: not walked again.
  let clean = new WeakSet<object>();

  /** Called first by every redaction: the matcher for the values known now, and memos for it. */
  const refresh = () => {
    if (!stale) return;
    matcher = compile([...secrets].map(([value, name]) => ({ name, value })));
    stale = false;
    clean = new WeakSet();
  };

  const text = (input: string): string => {
    if (!matcher || input.length < MIN_SECRET_LENGTH) return input;
    const { pattern, names } = matcher;
    return input.replace(pattern, (form) => redactedMark(names.get(form) ?? "secret"));
  };

  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (typeof value !== "object" || value === null) return value;
    if (clean.has(value)) return value;
    const redacted = walkObject(value);
    if (redacted === value && isDeeplyFrozen(value)) clean.add(value);
    return redacted;
  };

  const walkObject = (value: object): unknown => {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, index) => {
        const redacted = walk(item);
        if (redacted === item) return;
        copy ??= [...value];
        copy[index] = redacted;
      });
      return copy ?? value;
    }
    const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return walk(toJSON.call(value));
    const entries = Object.entries(value);
    let changed = false;
    const redacted = entries.map(([key, item]): [string, unknown] => {
      const pair: [string, unknown] = [text(key), walk(item)];
      if (pair[0] !== key || pair[1] !== item) changed = true;
      return pair;
    });
    return changed ? Object.fromEntries(redacted) : value;
  };

  return {
    add(found) {
      if (!enabled) return 0;
      let added = 0;
      for (const { name, value } of found) {
        if (value.trim().length < MIN_SECRET_LENGTH || secrets.has(value)) continue;
        secrets.set(value, name);
        added++;
      }
      if (added) stale = true;
      return added;
    },
    get size() {
      return secrets.size;
    },
    text(input) {
      refresh();
      return text(input);
    },
    value<T>(value: T): T {
      if (!enabled || (secrets.size === 0 && !stale)) return value;
      refresh();
      return walk(value) as T;
    },
  };
}
