import { isDeeplyFrozen } from "../frozen.ts";

/**
 * JSON text for outgoing messages that reuses what was serialised before: a large deeply frozen
 * object or array (an answer shared from the introspection cache, src/frozen.ts) is serialised
 * once, for as long as it lives. A whole large list asked for again then costs a concatenation,
 * not a fresh JSON.stringify of megabytes. The output is JSON.stringify's.
 */
const LARGE = 64 * 1024;

const frozenJson = new WeakMap<object, string>();

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/** An array or an object whose JSON is its members' (no prototype of its own, no toJSON). */
function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** A deeply frozen value can't change: its JSON, when large, is kept for as long as the value lives. */
function frozenValue(value: object): string {
  let json = frozenJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (json.length >= LARGE) frozenJson.set(value, json);
  }
  return json;
}

export function serializeMessage(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (isDeeplyFrozen(value)) return frozenValue(value);
  if (!isPlain(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items: string[] = [];
    // By index: a hole is null, as JSON.stringify writes it.
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      items.push(isOmitted(item) ? "null" : serializeMessage(item));
    }
    return `[${items.join(",")}]`;
  }
  const members = Object.entries(value).filter(([, item]) => !isOmitted(item));
  return `{${members.map(([key, item]) => `${JSON.stringify(key)}:${serializeMessage(item)}`).join(",")}}`;
}
