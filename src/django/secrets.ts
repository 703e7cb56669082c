/**
 * The project's secret values, fetched from each sidecar before any call reaches it (so the first
 * result it gives is already redacted), into the one Redactor the MCP edge hides them with
 * (src/mcp/redact.ts). Values are kept in memory only, and never logged: the log says how many.
 *
 * Every sidecar's values are added to those of the ones before: a result still coming from a
 * sidecar being left (fresh code, a restart) is redacted with its values too.
 */
import { OPS } from "../contract/ops.ts";
import type { SecretValues } from "../contract/payloads.ts";
import { ProjectError, SidecarProtocolError } from "../errors.ts";
import { log } from "../log.ts";
import type { Redactor } from "../mcp/redact.ts";
import type { SidecarConnection } from "../sidecar/connection.ts";
import type { Sidecar } from "../sidecar/sources.ts";

/** Listing the values is quick; this bounds a project whose settings hang when read. */
const SECRETS_TIMEOUT_MS = 10_000;

/** The sidecar's secret values, by the contract. Throws when it can't give them. */
export async function fetchSecretValues(connection: SidecarConnection, timeoutMs = SECRETS_TIMEOUT_MS): Promise<SecretValues> {
  const { id, result } = connection.request("secrets.values", {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      connection.cancel(id, "timeout");
      reject(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    const parsed = OPS["secrets.values"].result.safeParse(await Promise.race([result, tooSlow]));
    if (!parsed.success) throw new SidecarProtocolError("the sidecar's secret values are off the contract");
    return parsed.data;
  } finally {
    clearTimeout(timer);
  }
}

/** Why fetching failed, never quoting the project's own exception message (it could hold a secret). */
function describeFailure(error: unknown): string {
  if (error instanceof ProjectError) return `the sidecar raised ${error.excType ?? "an error"}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * What the supervisor runs on each new sidecar (`onSidecar`): its secret values into `redactor`.
 * When they can't all be had, results stay redacted with what could (the environment's values,
 * those of earlier sidecars) and the log says so.
 */
export function secretsCollector(redactor: Redactor, fetch = fetchSecretValues): (sidecar: Sidecar) => Promise<void> {
  let lastProblem: string | undefined;
  const warnOnce = (problem: string) => {
    if (problem !== lastProblem) log.warn(problem);
    lastProblem = problem;
  };
  return async (sidecar) => {
    try {
      const { values, settings_error } = await fetch(sidecar.connection);
      const added = redactor.add(values);
      log.debug(`secret values: ${values.length} from this sidecar (${added} new), ${redactor.size} hidden in results`);
      if (settings_error) {
        warnOnce(
          `the project's settings could not be read for their secret values (${settings_error}): until they can, results hide only secret-looking environment variables and the values known from earlier sidecars`,
        );
      } else {
        lastProblem = undefined;
      }
    } catch (error) {
      warnOnce(
        `could not collect the project's secret values (${describeFailure(error)}): results hide only the values known from earlier sidecars (${redactor.size})`,
      );
    }
  };
}
