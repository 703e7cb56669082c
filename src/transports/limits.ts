import { ConfigError } from "../errors.ts";

/** The largest MCP message a client may send by default: a stdio line or an HTTP POST body. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * MCP_DJANGO_MAX_MESSAGE_BYTES: the largest MCP message, in bytes, that any transport takes in.
 * A bigger one is refused while it arrives, so a client can never make the server hold it.
 */
export function maxMessageBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MCP_DJANGO_MAX_MESSAGE_BYTES;
  if (raw === undefined || raw === "") return DEFAULT_MAX_MESSAGE_BYTES;
  const bytes = Number(raw);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new ConfigError(`MCP_DJANGO_MAX_MESSAGE_BYTES=${raw}: not a positive whole number of bytes (the default is ${DEFAULT_MAX_MESSAGE_BYTES})`);
  }
  return bytes;
}

/** Why a message was refused, and how to allow larger ones. */
export function tooLargeMessage(limit: number): string {
  return `Message too large: the limit is ${limit} bytes (set MCP_DJANGO_MAX_MESSAGE_BYTES to change it)`;
}
