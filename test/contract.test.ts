/**
 * The contract between Bun and the sidecar is written once on each side (src/contract/,
 * py/mcp_django_bun/sidecar/contract.py): this test fails when the two disagree.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import type { z } from "zod";
import * as constants from "../src/contract/constants.ts";
import { OPS } from "../src/contract/ops.ts";
import { REPO, VENV_PYTHON } from "./support/paths.ts";

interface OpDescription {
  args: { required: string[]; optional: string[] };
  result: string[];
  errors: string[];
  needs_django: boolean;
}

interface ContractDescription {
  protocol: number;
  minimum_python: number[];
  unsupported_python_exit: number;
  error_kinds: string[];
  event_kinds: string[];
  cancel_reasons: string[];
  modes: string[];
  session_separator: string;
  http_methods: string[];
  result_json_key: string;
  ops: Record<string, OpDescription>;
}

const sorted = (values: Iterable<string>) => [...values].sort();

function keys(schema: z.ZodObject, optional: boolean): string[] {
  return sorted(Object.entries(schema.shape).flatMap(([key, field]) => ((field as z.ZodType).safeParse(undefined).success === optional ? [key] : [])));
}

/** The TypeScript table, described as the Python side prints its own. */
function typescriptContract(): ContractDescription {
  const ops = Object.fromEntries(
    Object.entries(OPS).map(([name, spec]) => [
      name,
      {
        args: { required: keys(spec.args, false), optional: keys(spec.args, true) },
        result: sorted(Object.keys(spec.result.shape)),
        errors: sorted(spec.errors),
        needs_django: spec.needsDjango,
      },
    ]),
  );
  return {
    protocol: constants.PROTOCOL_VERSION,
    minimum_python: [...constants.MINIMUM_PYTHON],
    unsupported_python_exit: constants.UNSUPPORTED_PYTHON_EXIT,
    error_kinds: [...constants.ERROR_KINDS],
    event_kinds: [...constants.EVENT_KINDS],
    cancel_reasons: [...constants.CANCEL_REASONS],
    modes: [...constants.MODES],
    session_separator: constants.SESSION_SEPARATOR,
    http_methods: [...constants.HTTP_METHODS],
    result_json_key: constants.RESULT_JSON_KEY,
    ops,
  };
}

function pythonContract(): ContractDescription {
  const run = Bun.spawnSync([VENV_PYTHON, "-m", "mcp_django_bun.sidecar.contract"], { cwd: REPO, env: { ...process.env, PYTHONPATH: `${REPO}py` } });
  if (run.exitCode !== 0) throw new Error(`python -m mcp_django_bun.sidecar.contract failed:\n${run.stderr.toString()}`);
  return JSON.parse(run.stdout.toString()) as ContractDescription;
}

describe("the contract between Bun and the sidecar", () => {
  const typescript = typescriptContract();
  let python: ContractDescription;
  beforeAll(() => {
    python = pythonContract();
  });

  test("both sides know the same operations", () => {
    expect(sorted(Object.keys(python.ops))).toEqual(sorted(Object.keys(typescript.ops)));
  });

  test.each(Object.keys(typescript.ops))("%s has the same arguments, result keys, error kinds and Django need on both sides", (op) => {
    expect(python.ops[op]).toEqual(typescript.ops[op]!);
  });

  test("both sides know the same error kinds", () => {
    expect(python.error_kinds).toEqual(typescript.error_kinds);
  });

  test("the protocol version and the shared constants agree", () => {
    const { ops: _pythonOps, ...pythonConstants } = python;
    const { ops: _typescriptOps, ...typescriptConstants } = typescript;
    expect(pythonConstants).toEqual(typescriptConstants);
  });
});
