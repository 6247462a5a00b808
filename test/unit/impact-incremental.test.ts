import assert from "node:assert/strict";
import { DiskReader, OverlayReader, WorkspaceAnalysis } from "../../server/src/analysis";
import { analyzeImpact, ImpactMemo, SideIndex, type ImpactInput } from "../../server/src/model/impact";
import { scratchWorkspace } from "./support/analysis";

const asset = (name: string, sql: string, deps: string[] = [], owners: string[] = []) =>
  `import { asset } from "assetline";
export const ${name} = asset({ deps: [${deps.map((dep) => JSON.stringify(dep)).join(", ")}], owners: ${JSON.stringify(owners)} }, async (ctx) => {
  ctx.db.exec(\`${sql}\`);
});
`;

const BASE: Record<string, string> = {
  "src/a.ts": asset("a", "create table a as select 1 as id, 'x' as name", [], ["team:a"]),
  "src/b.ts": asset("b", "create table b as select a.id, a.name from a", ["a"], ["team:b"]),
  "src/c.ts": asset("c", "create table c as select id from b", ["b"]),
  "src/d.ts": asset("d", "create table d as select name from a"),
  "src/lonely.ts": asset("lonely", "create table lonely as select 1 as id"),
};

/**
 * BASE analyzed twice, as the base and as the working side, and edits to the working side: each
 * answer is computed patched (the index and the memo kept between edits) and asserted equal to
 * one computed afresh.
 */
function editSession(root: string) {
  const baseReader = new OverlayReader(new DiskReader(root));
  const reader = new OverlayReader(new DiskReader(root));
  for (const [file, text] of Object.entries(BASE)) {
    baseReader.setBuffer(file, text);
    reader.setBuffer(file, text);
  }
  const base = new WorkspaceAnalysis(baseReader).analyzeAll();
  const analysis = new WorkspaceAnalysis(reader);
  analysis.analyzeAll();
  const baseIndex = new SideIndex(base);
  const memo = new ImpactMemo();
  const input = (): ImpactInput => ({ base, working: analysis.snapshot, sameOnceRenamed: () => false });
  const impact = () => analyzeImpact(input(), baseIndex, memo);
  return {
    memo,
    impact,
    /** Sets `file` to `text` (undefined: the file goes); returns the patched answer. */
    edit(file: string, text: string | undefined) {
      if (text === undefined) {
        reader.clearBuffer(file);
        analysis.removeFile(file);
      } else {
        reader.setBuffer(file, text);
        analysis.updateFile(file);
      }
      const patched = impact();
      assert.deepEqual(patched, analyzeImpact(input()), `after editing ${file}`);
      return patched;
    },
  };
}

describe("impact: answers after edits, patched, equal answers computed afresh", () => {
  let workspace: { root: string; dispose(): void };
  beforeEach(() => {
    workspace = scratchWorkspace();
  });
  afterEach(() => workspace.dispose());

  it("keeps the working index and unchanged verdicts between edits without changing any answer", () => {
    const session = editSession(workspace.root);
    const edits: Array<[string, string | undefined]> = [
      // A column removed that b and d read: breaking, both named.
      ["src/a.ts", asset("a", "create table a as select 1 as id", [], ["team:a"])],
      // Typing on: another version of the same change.
      ["src/a.ts", asset("a", "create table a as select 1 as id, 2 as extra", [], ["team:a"])],
      // An asset downstream of c appears; c's owners change.
      ["src/e.ts", asset("e", "create table e as select id from c", ["c"])],
      ["src/c.ts", asset("c", "create table c as select id from b", ["b"], ["team:c"])],
      // d goes; a gets its column back.
      ["src/d.ts", undefined],
      ["src/a.ts", BASE["src/a.ts"]!],
      // b stops depending on a: the walk from a must no longer reach b, c or e.
      ["src/b.ts", asset("b", "create table b as select 1 as id", [], ["team:b"])],
      ["src/a.ts", asset("a", "create table a as select 2 as id, 'x' as name", [], ["team:a"])],
    ];
    let seenBreaking = false;
    for (const [file, text] of edits) {
      const patched = session.edit(file, text);
      seenBreaking ||= patched.changes.some((change) => change.category === "breaking");
    }
    // The edits did exercise the walk (else the comparison proves little).
    assert.ok(seenBreaking);
    // b reads nothing of a any more: what is impacted comes from b's own change, not from a's.
    const last = session.impact();
    assert.deepEqual(
      last.impacted.map((entry) => [entry.key, entry.because.map((because) => because.key)]),
      [
        ["c", ["b"]],
        ["e", ["c"]],
      ],
    );
  });

  it("keeps the downstream walk across edits that do not move it, rebuilding only the entries they touch", () => {
    const { memo, edit } = editSession(workspace.root);
    // a's code changes (a filter): b, c and d must be rebuilt.
    const filtered = asset("a", "create table a as select 1 as id, 'x' as name where 1 = 1", [], ["team:a"]);
    const first = edit("src/a.ts", filtered);
    assert.deepEqual(
      first.impacted.map((entry) => entry.key),
      ["b", "d", "c"],
    );
    const walk = memo.walk!;
    // b moves down a line, a is typed on with the same verdict: the walk stays, b's entry follows.
    const moved = edit("src/b.ts", `// staging\n${BASE["src/b.ts"]!}`);
    assert.equal(memo.walk!.reached, walk.reached, "the walk is kept");
    assert.equal(moved.impacted.find((entry) => entry.key === "b")!.line, 3);
    edit("src/a.ts", asset("a", "create table a as select 1 as id, 'x' as name where 2 = 2", [], ["team:a"]));
    assert.equal(memo.walk!.reached, walk.reached, "still the same walk");
    // c gains an owner: a metadata change of its own, so the walk starts again, and team:c is to be told.
    const owned = edit("src/c.ts", asset("c", "create table c as select id from b", ["b"], ["team:c"]));
    assert.notEqual(memo.walk!.reached, walk.reached);
    assert.deepEqual(owned.impacted.find((entry) => entry.key === "c")!.owners, ["team:c"]);
    assert.ok(owned.owners.includes("team:c"));
    // c loses it again: nobody else owns team:c, so it is no longer someone to tell.
    const unowned = edit("src/c.ts", BASE["src/c.ts"]!);
    assert.ok(!unowned.owners.includes("team:c"), unowned.owners.join(", "));
    const kept = memo.walk!;
    // b stops reading a: what is downstream of what moved, so it is walked again.
    edit("src/b.ts", asset("b", "create table b as select 1 as id", [], ["team:b"]));
    assert.notEqual(memo.walk!.reached, kept.reached);
  });
});
