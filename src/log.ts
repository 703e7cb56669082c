import { createConsola } from "consola";

/** The one logger. Everything goes to stderr: in stdio mode stdout carries JSON-RPC only. */
export const log = createConsola({ stdout: process.stderr, stderr: process.stderr });

export function setDebug(enabled: boolean): void {
  log.level = enabled ? 4 : 3;
}
