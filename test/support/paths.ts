import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = `${REPO}src/cli.ts`;
export const EXAMPLE = `${REPO}test/example`;
export const VENV_PYTHON = `${REPO}.venv/bin/python`;
export const BUN = process.execPath;
