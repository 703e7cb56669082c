/** How install's outcomes read on a terminal: one line per client, diffs under the clients a dry run would change. */
import { CLIENTS } from "./clients.ts";
import type { Outcome } from "./install.ts";

const STATUS_WIDTH = "skipped (not detected)".length;
const NAME_WIDTH = Math.max(...CLIENTS.map((client) => client.name.length));

function statusText(outcome: Outcome): string {
  switch (outcome.status) {
    case "written":
      return "written";
    case "unchanged":
      return "unchanged";
    case "would-change":
      return "would change";
    case "skipped":
      return "skipped (not detected)";
    case "failed":
      return "failed";
  }
}

/** Comments inside the old entry go with it when it is rewritten (every other comment stays): say so. */
function droppedNote(dropped: number, written: boolean): string | undefined {
  if (dropped === 0) return undefined;
  const comments = `${dropped} comment${dropped === 1 ? "" : "s"} inside the old entry`;
  return written ? `${comments} dropped, kept in the backup` : `${comments} would be dropped`;
}

function note(outcome: Outcome): string {
  if (outcome.status !== "written" && outcome.status !== "would-change") return "";
  const written = outcome.status === "written";
  const notes = [
    outcome.created ? "new file" : undefined,
    written && outcome.backup ? `backup: ${outcome.backup}` : undefined,
    droppedNote(outcome.droppedComments, written),
  ].filter((text) => text !== undefined);
  return notes.length ? ` (${notes.join("; ")})` : "";
}

/** "Cursor       written                 /p/.cursor/mcp.json (new file)" */
export function outcomeLine(outcome: Outcome): string {
  return `${outcome.client.name.padEnd(NAME_WIDTH)}  ${statusText(outcome).padEnd(STATUS_WIDTH)}  ${outcome.path}${note(outcome)}`;
}

/** What goes on stdout: each client's line, and after it the diff a dry run would apply. */
export function renderOutcomes(outcomes: readonly Outcome[]): string {
  return outcomes.map((outcome) => `${outcomeLine(outcome)}\n${outcome.status === "would-change" ? outcome.diff : ""}`).join("");
}
