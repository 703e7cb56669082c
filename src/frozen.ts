/**
 * Freezes `value` and every object and array in it; returns it. Answers shared between calls
 * (the introspection cache, answers built from them) are frozen, so a mutation is a TypeError
 * rather than a silent change to later answers, and so that work done on them once (redaction)
 * can be remembered by identity.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
  return value;
}
