import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE } from "./paths.ts";

/** A copy of the example project (database included) that a test may edit, removed by `remove()`. */
export interface ExampleCopy {
  root: string;
  read(file: string): string;
  write(file: string, text: string): void;
  /** Replaces `from` (which must be there) by `to` in `file`. */
  edit(file: string, from: string, to: string): void;
  remove(): void;
}

export function copyExample(): ExampleCopy {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "mcp-django-example-")));
  cpSync(EXAMPLE, root, { recursive: true, filter: (path) => !path.includes("__pycache__") });
  const read = (file: string) => readFileSync(join(root, file), "utf8");
  const write = (file: string, text: string) => writeFileSync(join(root, file), text);
  return {
    root,
    read,
    write,
    edit(file, from, to) {
      const text = read(file);
      if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
      write(file, text.replace(from, to));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
