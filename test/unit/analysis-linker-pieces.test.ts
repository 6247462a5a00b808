import assert from "node:assert/strict";
import { AcyclicLevels, type LevelGraph } from "../../server/src/analysis/link/acyclicLevels";
import { FileDiagnostics } from "../../server/src/analysis/link/fileDiagnostics";
import { dropUnchanged, indexOfSorted, pairUp, patchSorted } from "../../server/src/analysis/link/sortedLists";
import type { AnalysisDiagnostic, DiagnosticCode } from "../../server/src/model/definitions";

const byNumber = (a: number, b: number): number => a - b;

/** A graph given as edges "from>to", for AcyclicLevels. */
function graphOf(edges: string[]): LevelGraph & { add(edge: string): [string, string] } {
  const children = new Map<string, Set<string>>();
  const parents = new Map<string, Set<string>>();
  const add = (edge: string): [string, string] => {
    const [from, to] = edge.split(">") as [string, string];
    for (const node of [from, to]) {
      if (!children.has(node)) children.set(node, new Set());
      if (!parents.has(node)) parents.set(node, new Set());
    }
    children.get(from)!.add(to);
    parents.get(to)!.add(from);
    return [from, to];
  };
  edges.forEach(add);
  return {
    add,
    nodes: () => [...children.keys()],
    depsOf: (key) => [...(parents.get(key) ?? [])].map((parent) => ({ key: parent })),
    childrenOf: (key) => children.get(key) ?? [],
  };
}

function diagnostic(file: string, line: number, code: DiagnosticCode): AnalysisDiagnostic {
  const position = { line, character: 0 };
  return {
    code,
    severity: "error",
    location: { file, range: { start: position, end: position } },
    message: code,
    related: [],
    data: undefined,
  };
}

describe("analysis: the linker's pieces", () => {
  describe("sorted lists", () => {
    it("patches a sorted list by splicing a few items and by re-sorting many", () => {
      assert.deepEqual(patchSorted([1, 3, 5, 7], [3], [4, 8], byNumber), [1, 4, 5, 7, 8]);
      const many = Array.from({ length: 100 }, (_, i) => 2 * i);
      const patched = patchSorted(
        many.slice(),
        many.slice(0, 20),
        many.map((n) => n + 1),
        byNumber,
      );
      assert.deepEqual(patched, [...many.slice(20), ...many.map((n) => n + 1)].sort(byNumber));
    });

    it("finds an item itself among equal ones", () => {
      const a = { v: 1 };
      const b = { v: 1 };
      const order = (x: { v: number }, y: { v: number }): number => x.v - y.v;
      assert.equal(indexOfSorted([{ v: 0 }, a, b], b, order), 2);
      assert.equal(indexOfSorted([{ v: 0 }, a], b, order), -1);
    });

    it("pairs a file's definitions up when they keep their sort positions, and drops the unchanged pairs", () => {
      const replaced: Array<[number, number]> = [];
      const removed: number[] = [];
      const added: number[] = [];
      pairUp([1, 2], [1, 2], byNumber, replaced, removed, added);
      pairUp([5], [6, 7], byNumber, replaced, removed, added);
      assert.deepEqual(
        [replaced, removed, added],
        [
          [
            [1, 1],
            [2, 2],
          ],
          [5],
          [6, 7],
        ],
      );
      dropUnchanged(replaced);
      assert.deepEqual(replaced, []);
    });
  });

  describe("AcyclicLevels", () => {
    it("accepts an edge pointing upstream and raises the levels below an edge that does not", () => {
      const graph = graphOf(["a>b", "c>d"]);
      const levels = new AcyclicLevels(graph);
      levels.prepare();
      assert.equal(levels.accept([graph.add("a>d")]), true);
      assert.equal(levels.accept([graph.add("b>c")]), true, "raising c and d below b closes no cycle");
    });

    it("tells an acyclic graph from one with a cycle or a self-loop anywhere, as it computes the levels", () => {
      assert.equal(new AcyclicLevels(graphOf(["a>b", "a>c", "b>d", "c>d"])).prepare(), true);
      assert.equal(new AcyclicLevels(graphOf(["a>b", "x>y", "y>z", "z>y"])).prepare(), false);
      assert.equal(new AcyclicLevels(graphOf(["a>b", "b>b"])).prepare(), false);
    });

    it("gives each node its longest path from a root, so an edge back up a long chain is refused", () => {
      const graph = graphOf(["x>a", "a>b", "b>c", "x>c"]);
      const levels = new AcyclicLevels(graph);
      assert.equal(levels.prepare(), true);
      assert.equal(levels.accept([graph.add("c>x")]), false);
    });

    it("refuses an edge that closes a cycle, then looks at the graph afresh", () => {
      const graph = graphOf(["a>b", "b>c"]);
      const levels = new AcyclicLevels(graph);
      levels.prepare();
      assert.equal(levels.accept([graph.add("c>a")]), false);
      assert.equal(levels.accept([]), false, "the graph still has the cycle: computing levels fails");
    });
  });

  describe("FileDiagnostics", () => {
    it("keeps each file's diagnostics sorted by position and code, and forgets a file given none", () => {
      const store = new FileDiagnostics();
      store.set("src/b.ts", [
        diagnostic("src/b.ts", 3, "AL002"),
        diagnostic("src/b.ts", 1, "AL003"),
        diagnostic("src/b.ts", 1, "AL001"),
      ]);
      store.set("src/a.ts", [diagnostic("src/a.ts", 9, "AL004")]);
      const listed = (): string[] =>
        store.all().map((d) => `${d.location.file}:${d.location.range.start.line} ${d.code}`);
      assert.deepEqual(listed(), ["src/a.ts:9 AL004", "src/b.ts:1 AL001", "src/b.ts:1 AL003", "src/b.ts:3 AL002"]);
      store.set("src/a.ts", []);
      assert.deepEqual(listed(), ["src/b.ts:1 AL001", "src/b.ts:1 AL003", "src/b.ts:3 AL002"]);
    });

    it("sorts the whole list when a diagnostic sits in another file than the one it is kept under", () => {
      const store = new FileDiagnostics();
      store.set("src/a.ts", [diagnostic("src/c.ts", 0, "AL001")]);
      store.set("src/b.ts", [diagnostic("src/b.ts", 0, "AL002")]);
      assert.deepEqual(
        store.all().map((d) => d.location.file),
        ["src/b.ts", "src/c.ts"],
      );
    });
  });
});
