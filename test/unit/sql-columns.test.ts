import assert from "node:assert/strict";
import { DiskReader, OverlayReader, WorkspaceAnalysis } from "../../server/src/analysis";
import { extractTables } from "../../server/src/analysis/sql/extractTables";
import { ColumnCatalog } from "../../server/src/model/columnCatalog";
import { scratchWorkspace } from "./support/analysis";

function columnsOf(sql: string) {
  const [statement] = extractTables(sql).columns;
  assert.ok(statement, `expected ${sql} to parse`);
  return statement;
}

function references(sql: string): string[] {
  return columnsOf(sql).references.map(
    (r) => `${r.table}.${r.column}${r.qualified ? "" : r.certain ? " (unqualified)" : " (maybe)"}`,
  );
}

const asset = (name: string, sql: string, deps: string[] = []) => `import { asset } from "assetline";
export const ${name} = asset({ deps: [${deps.map((dep) => JSON.stringify(dep)).join(", ")}] }, async (ctx) => {
  ctx.db.exec(\`${sql}\`);
});
`;

describe("sql: columns", () => {
  it("names the columns a create table as select defines, aliases included", () => {
    const { defines } = columnsOf("create table x as select o.id as order_id, status, o.amount from orders o");
    assert.deepEqual(defines, [
      { table: "x", columns: [{ name: "order_id" }, { name: "status" }, { name: "amount" }] },
    ]);
  });

  it("takes column lists from create view (cols), insert into x (cols) and column definitions", () => {
    assert.deepEqual(columnsOf("create view v (a, b) as select x, y from t").defines, [
      { table: "v", columns: [{ name: "a" }, { name: "b" }] },
    ]);
    assert.deepEqual(columnsOf("insert into t (a, b) select 1, 2").defines, [
      { table: "t", columns: [{ name: "a" }, { name: "b" }] },
    ]);
    assert.deepEqual(columnsOf("create table t (id integer primary key, name text)").defines, [
      { table: "t", columns: [{ name: "id" }, { name: "name" }] },
    ]);
  });

  it("keeps * as a reference to the upstream tables, and gives up on * over a subquery or an unnamed expression", () => {
    assert.deepEqual(
      columnsOf("create table x as select o.*, c.name from orders o join customers c on c.id = o.cid").defines[0]!
        .columns,
      [{ starOf: ["orders"] }, { name: "name" }],
    );
    assert.equal(columnsOf("create table x as select * from (select 1 as a)").defines[0]!.columns, null);
    assert.equal(columnsOf("create table x as select count(*) from t").defines[0]!.columns, null);
  });

  it("attributes qualified references through aliases and unqualified ones to the only table of the query", () => {
    assert.deepEqual(references("select o.status, amount from orders o where o.id > 1"), [
      "orders.status",
      "orders.amount (unqualified)",
      "orders.id",
    ]);
  });

  it("counts an unqualified name of a join against every table it could belong to, but not for certain", () => {
    assert.deepEqual(references("select status from orders o join users u on u.id = o.user_id").sort(), [
      "orders.status (maybe)",
      "orders.user_id",
      "users.id",
      "users.status (maybe)",
    ]);
  });

  it("attributes nothing to CTEs and derived tables, and treats correlated and alias-like names as uncertain", () => {
    assert.deepEqual(references("with c as (select id from t) select c.id, x from c"), ["t.id (unqualified)"]);
    assert.deepEqual(references("select * from a where exists (select 1 from b where b.k = y)").sort(), [
      "b.k",
      "b.y (maybe)",
    ]);
    assert.deepEqual(references("select amount * 2 as doubled from t order by doubled"), [
      "t.amount (unqualified)",
      "t.doubled (maybe)",
    ]);
  });

  it("leaves the columns of SQL only the tolerant scan could read unknown", () => {
    const tables = extractTables("create table x as select a, from t where");
    assert.deepEqual(tables.columns, [undefined]);
  });

  describe("in the analysis", () => {
    let workspace: ReturnType<typeof scratchWorkspace>;
    beforeEach(() => {
      workspace = scratchWorkspace();
    });
    afterEach(() => workspace.dispose());

    it("expands * through the upstream's own columns, and says unknown where they are not static", () => {
      const reader = new OverlayReader(new DiskReader(workspace.root));
      reader.setBuffer("src/a.ts", asset("a", "create table a as select 1 as id, 'x' as name"));
      reader.setBuffer("src/b.ts", asset("b", "create table b as select *, 2 as extra from a", ["a"]));
      reader.setBuffer("src/c.ts", asset("c", "create table c as select * from raw_events"));
      reader.setBuffer(
        "src/d.ts",
        `import { asset } from "assetline";
export const d = asset({}, async (ctx) => { ctx.db.exec(build()); });
function build() { return "create table d as select 1 as id"; }
`,
      );
      const snapshot = new WorkspaceAnalysis(reader).analyzeAll();
      const catalog = new ColumnCatalog(snapshot.assets);
      const of = (key: string) => catalog.columnsOfAsset(snapshot.assets.find((a) => a.key === key)!);
      assert.deepEqual(of("a"), ["id", "name"]);
      assert.deepEqual(of("b"), ["id", "name", "extra"]);
      assert.equal(of("c"), "unknown");
      assert.equal(of("d"), "unknown");
      assert.equal(snapshot.assets.find((a) => a.key === "d")!.columns.partial, true);
    });

    it("patches the catalog as definitions change, answering as one built afresh", () => {
      const reader = new OverlayReader(new DiskReader(workspace.root));
      reader.setBuffer("src/a.ts", asset("a", "create table a as select 1 as id, 'x' as name"));
      reader.setBuffer("src/b.ts", asset("b", "create table b as select *, 2 as extra from a", ["a"]));
      reader.setBuffer("src/c.ts", asset("c", "create table c as select b.extra from b", ["b"]));
      const analysis = new WorkspaceAnalysis(reader);
      let before = analysis.analyzeAll().assets;
      const catalog = new ColumnCatalog(before);
      const of = (which: ColumnCatalog, key: string) =>
        which.columnsOfAsset(analysis.snapshot.assets.find((a) => a.key === key)!);
      assert.deepEqual(of(catalog, "b"), ["id", "name", "extra"]);
      for (const [file, text] of [
        // Upstream of a `*`: the answer downstream changes too.
        ["src/a.ts", asset("a", "create table a as select 1 as id")],
        // A second statement of b's table elsewhere never wins over b's own.
        ["src/c.ts", asset("c", "create table b as select 9 as other; create table c as select 1 as z")],
        ["src/b.ts", asset("b", "create table b as select 2 as extra")],
      ] as const) {
        reader.setBuffer(file, text);
        const after = analysis.updateFile(file).assets;
        catalog.patch(
          before.filter((asset) => !after.includes(asset)),
          after.filter((asset) => !before.includes(asset)),
        );
        const fresh = new ColumnCatalog(after);
        for (const key of ["a", "b", "c"]) assert.deepEqual(of(catalog, key), of(fresh, key), `${key} after ${file}`);
        for (const table of ["a", "b", "c"])
          assert.deepEqual(catalog.statesStar(table), fresh.statesStar(table), table);
        before = after;
      }
      assert.deepEqual(of(catalog, "a"), ["id"]);
      assert.deepEqual(of(catalog, "b"), ["extra"]);
    });

    it("reports AL008 for a column the upstream does not have, with a did-you-mean, and drops it live when fixed", () => {
      const reader = new OverlayReader(new DiskReader(workspace.root));
      reader.setBuffer("src/up.ts", asset("up", "create table up as select 1 as order_id, 'x' as status"));
      reader.setBuffer(
        "src/down.ts",
        asset("down", "create table down as select u.order_id, u.statuz from up u", ["up"]),
      );
      const analysis = new WorkspaceAnalysis(reader);
      let al008 = analysis.analyzeAll().diagnostics.filter((d) => d.code === "AL008");
      assert.equal(al008.length, 1);
      assert.equal(al008[0]!.severity, "warning");
      assert.equal(al008[0]!.location.file, "src/down.ts");
      assert.match(al008[0]!.message, /up has no column `statuz`.*did you mean `status`\?/);
      assert.deepEqual(al008[0]!.data, {
        kind: "unknownColumn",
        table: "up",
        column: "statuz",
        upstream: "up",
        suggestion: "status",
      });

      // Fixing the reader makes it go away...
      reader.setBuffer(
        "src/down.ts",
        asset("down", "create table down as select u.order_id, u.status from up u", ["up"]),
      );
      assert.deepEqual(
        analysis.updateFile("src/down.ts").diagnostics.filter((d) => d.code === "AL008"),
        [],
      );
      // ...and removing the column upstream brings it back on the reader, though only the upstream changed.
      reader.setBuffer("src/up.ts", asset("up", "create table up as select 1 as order_id"));
      al008 = analysis.updateFile("src/up.ts").diagnostics.filter((d) => d.code === "AL008");
      assert.equal(al008.length, 1);
      assert.equal(al008[0]!.location.file, "src/down.ts");
      const fresh = new WorkspaceAnalysis(reader).analyzeAll().diagnostics;
      assert.deepEqual(analysis.snapshot.diagnostics, fresh);
    });
  });
});
