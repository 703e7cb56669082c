/**
 * JSON text for outgoing messages that reuses what was serialised before: a large frozen object
 * or array (an answer shared from the introspection cache, src/frozen.ts) and a long string (the
 * text of such an answer) are serialised once. A whole large list asked for again then costs a
 * concatenation, not a fresh JSON.stringify of megabytes. The output is JSON.stringify's.
 */
const LARGE = 64 * 1024;
const LONG_STRINGS_KEPT = 8;

const frozenJson = new WeakMap<object, string>();
const longJson = new Map<string, string>();

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

function longString(value: string): string {
  let json = longJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (longJson.size >= LONG_STRINGS_KEPT) longJson.delete(longJson.keys().next().value as string);
    longJson.set(value, json);
  }
  return json;
}

/** A frozen value can't change: its JSON, when large, is kept for as long as the value lives. */
function frozenValue(value: object): string {
  let json = frozenJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (json.length >= LARGE) frozenJson.set(value, json);
  }
  return json;
}

export function serializeMessage(value: unknown): string {
  if (typeof value === "string") return value.length >= LARGE ? longString(value) : JSON.stringify(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Object.isFrozen(value)) return frozenValue(value);
  if (!isPlain(value)) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => (isOmitted(item) ? "null" : serializeMessage(item))).join(",")}]`;
  const members = Object.entries(value).filter(([, item]) => !isOmitted(item));
  return `{${members.map(([key, item]) => `${JSON.stringify(key)}:${serializeMessage(item)}`).join(",")}}`;
}
