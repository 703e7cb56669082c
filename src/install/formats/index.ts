import type { ConfigFormat } from "./format.ts";
import { json, jsonc } from "./jsonc.ts";
import { toml } from "./toml.ts";

export type FormatName = "json" | "jsonc" | "toml";

/** Each format by the name a client definition gives it. */
export const FORMATS: Record<FormatName, ConfigFormat> = { json, jsonc, toml };

/** How a person names the format in a message. */
export const FORMAT_LABELS: Record<FormatName, string> = { json: "JSON", jsonc: "JSON (with comments)", toml: "TOML" };
