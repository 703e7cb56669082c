import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = `${REPO}src/cli.ts`;
/** The example project; the Django-version matrix runs each leg in a copy of its own (a real path). */
export const EXAMPLE = process.env.MCP_DJANGO_TEST_EXAMPLE ?? `${REPO}test/example`;
/** The interpreter tests run the example with; the Django-version matrix points it at other venvs. */
export const VENV_PYTHON = process.env.MCP_DJANGO_TEST_PYTHON ?? `${REPO}.venv/bin/python`;
export const BUN = process.execPath;
