import { describe, expect, test } from "bun:test";
import type { RunRecord, Statement } from "../../src/contract/payloads.ts";
import { SessionHistory } from "../../src/django/history.ts";

const imported = (source: string, ...names: string[]): Statement => ({ kind: "import", source, names });
const defined = (source: string, ...names: string[]): Statement => ({ kind: "definition", source, names });
const other = (source: string, ...names: string[]): Statement => ({ kind: "other", source, names });
const run = (...statements: Statement[]): RunRecord => ({ statements, deleted: [] });

/** The session of the first acceptance point: x = 5, an import, a helper. */
function bookSession(): SessionHistory {
  const history = new SessionHistory();
  history.add(true, run(other("x = 5", "x")));
  history.add(true, run(imported("from catalog.models import Book", "Book")));
  history.add(true, run(defined("def f():\n    return Book.objects.count()", "f")));
  return history;
}

describe("a session's history", () => {
  test("is empty of state until a step binds a name", () => {
    const history = new SessionHistory();
    history.add(true, run(other("print(1)")));
    expect(history.hasState()).toBe(false);
    history.add(true, run(other("y = 1", "y")));
    expect(history.hasState()).toBe(true);
  });

  test("restores the imports and definitions of successful steps, in order, with their step", () => {
    expect(bookSession().restoreSteps()).toEqual([
      { step: 2, source: "from catalog.models import Book" },
      { step: 3, source: "def f():\n    return Book.objects.count()" },
    ]);
  });

  test("never re-runs a failed step, not even its imports", () => {
    const history = new SessionHistory();
    history.add(false, run(imported("import os", "os"), other("1 / 0")));
    expect(history.restoreSteps()).toEqual([]);
    expect(history.carryOver([]).lost).toEqual([{ name: "os", step: 1 }]);
  });

  test("sorts names into restored and lost, each with the step that made it", () => {
    const carried = bookSession().carryOver([]);
    expect(carried.restored).toEqual([
      { name: "Book", step: 2 },
      { name: "f", step: 3 },
    ]);
    expect(carried.lost).toEqual([{ name: "x", step: 1 }]);
  });

  test("a name rebound by an assignment after its definition is lost", () => {
    const history = bookSession();
    history.add(true, run(other("f = 3", "f")));
    expect(history.carryOver([]).lost.map(({ name }) => name)).toEqual(["x", "f"]);
  });

  test("a restored statement that now fails loses its names and is reported", () => {
    const failure = { step: 2, source: "from catalog.models import Book", error: "ImportError: cannot import name 'Book'" };
    const carried = bookSession().carryOver([failure]);
    expect(carried.failed).toEqual([failure]);
    expect(carried.lost.map(({ name }) => name)).toContain("Book");
    expect(carried.restored.map(({ name }) => name)).toEqual(["f"]);
  });

  test("a definition whose name was deleted is not restored", () => {
    const history = bookSession();
    history.add(true, { statements: [other("del f")], deleted: ["f"] });
    expect(history.restoreSteps()).toEqual([{ step: 2, source: "from catalog.models import Book" }]);
  });

  test("an import whose name was bound again since is not restored, and the name is lost", () => {
    const history = bookSession();
    history.add(true, run(other("Book = 5", "Book")));
    expect(history.restoreSteps().map(({ source }) => source)).toEqual(["def f():\n    return Book.objects.count()"]);
    expect(history.carryOver([]).lost).toContainEqual({ name: "Book", step: 4 });
  });

  test("a name imported again by a later step is restored by that step only", () => {
    const history = bookSession();
    history.add(true, run(imported("from shop.models import Book", "Book")));
    expect(history.restoreSteps()).toEqual([
      { step: 3, source: "def f():\n    return Book.objects.count()" },
      { step: 4, source: "from shop.models import Book" },
    ]);
  });

  test("a failure of one step's import does not count against another step's", () => {
    const history = bookSession();
    history.add(true, run(imported("from shop.models import Book", "Book")));
    const carried = history.carryOver([{ step: 2, source: "from catalog.models import Book", error: "ImportError" }]);
    expect(carried.restored).toContainEqual({ name: "Book", step: 4 });
  });

  test("deleted names are neither restored nor lost", () => {
    const history = bookSession();
    history.add(true, { statements: [other("del x")], deleted: ["x"] });
    expect(history.carryOver([]).lost).toEqual([]);
  });

  test("is a script: imports first, then the numbered steps, failed steps left out", () => {
    const history = bookSession();
    history.add(false, run(other("Book.objects.get(pk=999)")));
    history.add(true, run(imported("import os", "os"), other("n = f()", "n")));
    expect(history.script()).toBe(
      [
        "# Shell session history: 4 steps (1 failed, left out)",
        "from catalog.models import Book\nimport os",
        "# Step 1\nx = 5",
        "# Step 3\ndef f():\n    return Book.objects.count()",
        "# Step 5\nn = f()",
      ].join("\n\n") + "\n",
    );
  });

  test("an import repeated in several steps is written once", () => {
    const history = new SessionHistory();
    history.add(true, run(imported("import os", "os")));
    history.add(true, run(imported("import os")));
    expect(history.script()).toBe("# Shell session history: 2 steps\n\nimport os\n");
  });
});
