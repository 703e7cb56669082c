const deeplyFrozen = new WeakSet<object>();

/**
 * Freezes `value` and every object and array in it; returns it. Answers shared between calls
 * (the introspection cache, answers built from them) are frozen, so a mutation is a TypeError
 * rather than a silent change to later answers, and so that work done on them once (building an
 * answer, redacting it) can be remembered by identity: see isDeeplyFrozen.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || deeplyFrozen.has(value)) return value;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
  deeplyFrozen.add(value);
  return value;
}

/** Whether deepFreeze froze `value`, everything in it included (Object.isFrozen says nothing of what is inside). */
export function isDeeplyFrozen(value: object): boolean {
  return deeplyFrozen.has(value);
}
