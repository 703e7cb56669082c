/** Lines this long (a whole large list) leave garbage worth collecting at once. */
const LARGE_LINE = 1_000_000;
let scheduled = false;

/**
 * JavaScriptCore collects the garbage a large answer leaves (its JSON text, the copies made on
 * the way) late: ten whole 5,000-route lists in a row grew the process by about 90 MB. A young-
 * generation collection just after each is written keeps that near 10 MB, for a few milliseconds
 * while the client reads it (a full one saved 7 MB more at about 25 ms an answer).
 */
export function collectAfterLargeWrite(length: number): void {
  if (length < LARGE_LINE || scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    Bun.gc(false);
  });
}
