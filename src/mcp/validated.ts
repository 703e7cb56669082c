/**
 * Structured results the SDK need not check again. The SDK parses every tool's structured result
 * against the tool's output schema; a payload the contract parsed already (src/contract/ops.ts,
 * in the supervisor), or built by typed code from one, passes that parse by construction, and for
 * a large one (5,000 routes) the second parse costs more than the rest of the answer. The tool
 * marks it with `validated()`; StrictMcpServer skips the SDK's check for what is marked.
 */
const marked = new WeakSet<object>();

/** Marks `payload` as parsed already; returns it. */
export function validated<T extends object>(payload: T): T {
  marked.add(payload);
  return payload;
}

export function isValidated(payload: unknown): boolean {
  return typeof payload === "object" && payload !== null && marked.has(payload);
}
