/** A unified diff of two texts, for --dry-run: what install would change, the way `diff -u` shows it. */

const CONTEXT = 3;
/** Beyond this many cells the changed middle is shown as removed then added, not aligned line by line. */
const MAX_TABLE = 4_000_000;

type Line = { kind: " " | "-" | "+"; text: string };

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The edit script between `a` and `b` from a longest common subsequence of lines. */
function alignLines(a: string[], b: string[]): Line[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: string[]): Line[] => lines.map((text) => ({ kind: " ", text }));
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle: Line[] = [];
  if ((x.length + 1) * (y.length + 1) > MAX_TABLE) {
    middle.push(...x.map((text): Line => ({ kind: "-", text })), ...y.map((text): Line => ({ kind: "+", text })));
  } else {
    // lcs[i * width + j]: the length of a longest common subsequence of x[i..] and y[j..].
    const width = y.length + 1;
    const lcs = new Uint32Array((x.length + 1) * width);
    const at = (i: number, j: number): number => lcs[i * width + j] ?? 0;
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) lcs[i * width + j] = x[i] === y[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        middle.push({ kind: " ", text: x[i] ?? "" });
        i++;
        j++;
      } else if (i < x.length && (j === y.length || at(i + 1, j) >= at(i, j + 1))) {
        // Removals before additions, as diff -u shows a replaced line.
        middle.push({ kind: "-", text: x[i] ?? "" });
        i++;
      } else {
        middle.push({ kind: "+", text: y[j] ?? "" });
        j++;
      }
    }
  }
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

/** `diff -u` of `before` (undefined: the file doesn't exist yet) and `after`, labelled with the file's path; "" when they are equal. */
export function unifiedDiff(before: string | undefined, after: string, path: string): string {
  if (before === after) return "";
  const lines = alignLines(splitLines(before ?? ""), splitLines(after));
  const changed = lines.flatMap((line, index) => (line.kind === " " ? [] : [index]));
  const out = [before === undefined ? "--- /dev/null" : `--- ${path}`, `+++ ${path}`];
  let index = 0;
  while (index < changed.length) {
    // A hunk: changes no more than twice the context apart, with the context around them.
    const first = changed[index] ?? 0;
    let last = index;
    while (last + 1 < changed.length && (changed[last + 1] ?? 0) - (changed[last] ?? 0) <= 2 * CONTEXT) last++;
    const start = Math.max(0, first - CONTEXT);
    const end = Math.min(lines.length, (changed[last] ?? 0) + CONTEXT + 1);
    const hunk = lines.slice(start, end);
    const oldStart = lines.slice(0, start).filter((line) => line.kind !== "+").length;
    const newStart = lines.slice(0, start).filter((line) => line.kind !== "-").length;
    const oldCount = hunk.filter((line) => line.kind !== "+").length;
    const newCount = hunk.filter((line) => line.kind !== "-").length;
    // As diff -u: a hunk with no old (or new) lines starts at the line before it.
    out.push(`@@ -${oldCount ? oldStart + 1 : oldStart},${oldCount} +${newCount ? newStart + 1 : newStart},${newCount} @@`);
    out.push(...hunk.map((line) => `${line.kind}${line.text}`));
    index = last + 1;
  }
  return `${out.join("\n")}\n`;
}
