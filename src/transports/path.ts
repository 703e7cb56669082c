import { ConfigError } from "../errors.ts";

/** --path, checked even over stdio (a typo should not pass silently): apart from http.ts, which only HTTP and SSE load. */
export function validatePath(path: string): string {
  if (!/^\/[\w\-./~]*$/.test(path) || path.includes("//")) {
    throw new ConfigError(`--path ${path}: must be a URL path such as /mcp (letters, digits, - _ . / ~)`);
  }
  return path;
}
