/** What the installer needs of a configuration file format: read it, and edit one value in its text. */
export interface ConfigFormat {
  /** What the text holds; throws FormatError when it is not valid in this format. An empty text is an empty object. */
  parse(text: string): unknown;
  /**
   * The text with the value at `path` set to `value` (the objects on the way created when
   * missing), everything else in the text kept as it was. An empty text starts a new file
   * holding `newFile`'s keys. Throws FormatError when the text can't be edited there.
   */
  set(text: string, path: readonly string[], value: unknown, newFile?: Record<string, unknown>): string;
  /** The comments in a text `parse` accepts, so an edit can tell which ones it dropped. */
  comments(text: string): string[];
}

/** The file is not valid in its format, or not in the shape we can edit: the message says where. */
export class FormatError extends Error {
  override name = "FormatError";
}

/** `value` inside objects keyed by `path`: nest(["a", "b"], 1) is {a: {b: 1}}. */
export function nest(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => Object.fromEntries([[key, inner]]), value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The value at `path` in `root`, or undefined when some object on the way is missing. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** A copy of `root` with the value at `path` set (objects on the way created or replaced): what an edit must produce. */
export function withValueAt(root: unknown, path: readonly string[], value: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  const object = isPlainObject(root) ? root : {};
  // Through fromEntries, so a "__proto__" key stays a key.
  return Object.fromEntries([...Object.entries(object).filter(([name]) => name !== key), [key, withValueAt(object[key], rest, value)]]);
}
