import { type ArgsDef, type CommandDef, renderUsage } from "citty";

/** --help: coloured in a terminal, plain text when piped or captured. */
export async function showUsage<T extends ArgsDef = ArgsDef>(cmd: CommandDef<T>, parent?: CommandDef<T>): Promise<void> {
  const rendered = await renderUsage(cmd, parent);
  // Loaded here: node:util costs every start-up about 10 ms, and only --help needs it.
  const usage = process.stdout.isTTY ? rendered : (await import("node:util")).stripVTControlCharacters(rendered);
  // citty pads columns by the coloured width: drop the padding it leaves at line ends.
  process.stdout.write(`${usage.replace(/[ \t]+$/gm, "")}\n\n`);
}
