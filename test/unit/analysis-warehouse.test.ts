import assert from "node:assert/strict";
import { DiskReader, OverlayReader, WorkspaceAnalysis, type AnalysisSnapshot } from "../../server/src/analysis";
import { extractTables } from "../../server/src/analysis/sql/extractTables";
import { ColumnCatalog } from "../../server/src/model/columnCatalog";
import { analyzeImpact } from "../../server/src/model/impact";
import type { SourceLocation } from "../../server/src/model/definitions";
import { scratchWorkspace, withCode } from "./support/analysis";

/*
 * ctx.warehouse's SQL is read like ctx.db's: the same tables, columns, diagnostics and impact,
 * with PostgreSQL's grammar (casts with ::, $1 parameters) where ctx.db's SQL is SQLite's.
 */

const STAGING = `import { asset, sql } from "assetline";

export const stg_events = asset({ deps: ["raw_events"] }, async (ctx) => {
  await ctx.warehouse.exec(\`
    drop table if exists stg_events;
    create table stg_events as
    select id::integer as event_id, occurred_at::date as day, lower(kind) as kind from raw_events\`);
  await ctx.warehouse.exec(sql\`insert into event_log select \${ctx.runId}, count(*) from stg_events\`);
});
`;

const MARTS = `import { asset, sql } from "assetline";
import { stg_events } from "./staging";

export const daily = asset({ deps: [stg_events] }, async (ctx) => {
  await ctx.warehouse.exec("create table daily as select e.day, count(*) as n from stg_events e group by e.day");
});

export const kinds = asset({}, async (ctx) => {
  const rows = await ctx.warehouse.query<{ kind: string }>("select kind from stg_events where day > $1", ["2024-01-01"]);
  await ctx.warehouse.exec(sql\`create table kinds as select distinct kind::text as kind, cast(kind as text) as label from stg_events\`);
  return { metadata: { kinds: rows.length } };
});

export const log_reader = asset({}, async ({ warehouse }) => {
  await warehouse.query("select * from event_log");
});
`;

const SOURCES = `import { source } from "assetline";
export const raw_events = source({});
`;

describe("analysis: ctx.warehouse SQL", () => {
  const workspace = scratchWorkspace();
  after(() => workspace.dispose());

  function analyze(files: Record<string, string>): AnalysisSnapshot {
    const reader = new OverlayReader(new DiskReader(workspace.root));
    for (const [file, text] of Object.entries(files)) reader.setBuffer(file, text);
    return new WorkspaceAnalysis(reader).analyzeAll();
  }
  const files = { "src/sources.ts": SOURCES, "src/staging.ts": STAGING, "src/marts.ts": MARTS };
  const snapshot = analyze(files);
  /** The text a single-line location covers in `source`. */
  const textAt = (source: string, location: SourceLocation) =>
    source.split("\n")[location.range.start.line]!.slice(location.range.start.character, location.range.end.character);
  const asset = (key: string) => snapshot.assets.find((candidate) => candidate.key === key)!;
  const resources = (effects: readonly { resource: string }[]) =>
    [...new Set(effects.map((effect) => effect.resource))].sort();

  it("reads the tables of exec, query and sql-tagged calls, with or without await, destructured too", () => {
    assert.deepEqual(resources(asset("stg_events").reads), ["table:raw_events", "table:stg_events"]);
    assert.deepEqual(resources(asset("stg_events").writes), ["table:event_log", "table:stg_events"]);
    assert.deepEqual(resources(asset("kinds").reads), ["table:stg_events"]);
    assert.deepEqual(resources(asset("kinds").writes), ["table:kinds"]);
    assert.deepEqual(resources(asset("log_reader").reads), ["table:event_log"]);
  });

  it("reports AL003 on an undeclared read through ctx.warehouse, pointing at the table inside the string", () => {
    const undeclared = withCode(snapshot, "AL003").filter((d) => d.data?.kind === "undeclaredDependency");
    const byAsset = new Map(undeclared.map((d) => [(d.data as { asset: string }).asset, d]));
    assert.deepEqual([...byAsset.keys()].sort(), ["kinds", "log_reader"]);
    const kinds = byAsset.get("kinds")!;
    assert.deepEqual(kinds.data, {
      kind: "undeclaredDependency",
      asset: "kinds",
      producer: "stg_events",
      resource: "table:stg_events",
    });
    assert.equal(kinds.location.file, "src/marts.ts");
    assert.equal(textAt(MARTS, kinds.location), "stg_events");
    assert.equal(kinds.location.range.start.line, 8, "the query() call's string, the first read of stg_events");
  });

  it("links a table written by warehouse.exec (not the asset's own key) to its reader", () => {
    assert.deepEqual(
      snapshot.producers.get("table:event_log")!.map((producer) => producer.key),
      ["stg_events"],
    );
    const logReader = withCode(snapshot, "AL003").find((d) => (d.data as { asset?: string }).asset === "log_reader");
    assert.deepEqual(logReader?.data, {
      kind: "undeclaredDependency",
      asset: "log_reader",
      producer: "stg_events",
      resource: "table:event_log",
    });
  });

  it("knows the columns of a create table … as select run through the warehouse, PostgreSQL casts included", () => {
    const catalog = new ColumnCatalog(snapshot.assets);
    assert.deepEqual(catalog.columnsOfAsset(asset("stg_events")), ["event_id", "day", "kind"]);
    assert.deepEqual(catalog.columnsOfAsset(asset("daily")), ["day", "n"]);
    assert.deepEqual(catalog.columnsOfAsset(asset("kinds")), ["kind", "label"], "a sql`...` given to warehouse.exec");
    assert.deepEqual(
      asset("kinds").columns.references.map((reference) => reference.column),
      ["kind", "day", "kind", "kind"],
      "a cast's type (text) is not a column",
    );
    assert.equal(asset("stg_events").columns.partial, false);
  });

  it("reports AL008 for a column the warehouse-built upstream does not have", () => {
    const marts = MARTS.replace("select e.day, count(*)", "select e.dya, count(*)");
    const broken = analyze({ ...files, "src/marts.ts": marts });
    const al008 = withCode(broken, "AL008");
    assert.equal(al008.length, 1);
    assert.match(al008[0]!.message, /stg_events has no column `dya`.*did you mean `day`\?/);
    assert.equal(textAt(marts, al008[0]!.location), "dya");
  });

  it("gives impact through warehouse SQL: a removed column breaks the reader, its other readers must rebuild", () => {
    const working = analyze({
      ...files,
      "src/staging.ts": STAGING.replace("occurred_at::date as day, ", ""),
    });
    const impact = analyzeImpact({ base: snapshot, working, sameOnceRenamed: () => false });
    const change = impact.changes.find((candidate) => candidate.key === "stg_events")!;
    assert.equal(change.category, "breaking");
    assert.deepEqual(change.columns.removed, ["day"]);
    const impacted = new Map(impact.impacted.map((entry) => [entry.key, entry.impact]));
    assert.equal(impacted.get("daily"), "breaking");
    assert.equal(impacted.get("kinds"), "breaking", "kinds reads stg_events.day through query()");
  });

  it("parses warehouse SQL as PostgreSQL and ctx.db SQL as SQLite", () => {
    const cast = "create table t as select a::integer as b from u";
    assert.equal(extractTables(cast, "postgresql").parsed, true);
    assert.equal(extractTables(cast, "sqlite").parsed, false, "SQLite has no :: cast; the tolerant scan reads it");
    assert.deepEqual(
      extractTables(cast, "sqlite").reads.map((m) => m.name),
      ["u"],
    );
    const viaDb = analyze({
      "src/a.ts": `import { asset } from "assetline";
export const a = asset({}, async (ctx) => { ctx.db.exec("${cast.replace("table t", "table a")}"); });
export const w = asset({}, async (ctx) => { await ctx.warehouse.exec("${cast.replace("table t", "table w")}"); });
`,
    });
    const catalog = new ColumnCatalog(viaDb.assets);
    const of = (key: string) => catalog.columnsOfAsset(viaDb.assets.find((x) => x.key === key)!);
    assert.deepEqual(of("w"), ["b"]);
    assert.equal(of("a"), "unknown");
  });
});
