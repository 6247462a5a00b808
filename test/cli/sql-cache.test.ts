import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL_CACHE_FORMAT, sqlCachePath } from "../../server/src/analysis/sql/persistentCache";
import { assetline } from "./support";

const STATEMENT = "create table daily as select day, count(*) n from events group by day";
const ASSETS = `import { asset } from "assetline";
export const events = asset({}, async (ctx) => { ctx.db.exec("create table events (day text)"); });
export const daily = asset({ deps: [events] }, async (ctx) => { ctx.db.exec("${STATEMENT}"); });
`;

/**
 * The cache sits behind the fast SQL path, which reads these statements itself: off here, so they
 * reach the cache; and behind the facts cache, which would give a later run the file's facts whole.
 */
const CST_PATH_ONLY = { ASSETLINE_SQL_FAST_PATH: "0", ASSETLINE_FACTS_CACHE: "0" };

function readsOf(dir: string, key: string, env: NodeJS.ProcessEnv = CST_PATH_ONLY): string[] {
  const result = assetline(["graph", dir, "--format", "json"], undefined, env);
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { assets: Array<{ key: string; reads: string[] }> }).assets.find(
    (asset) => asset.key === key,
  )!.reads;
}

describe("cli: the persistent SQL cache", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-sqlcache-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is written by the first analysis and gives the same answer to the next", () => {
    assert.equal(existsSync(sqlCachePath(dir)), false);
    const first = readsOf(dir, "daily");
    assert.deepEqual(first, ["table:events"]);
    const file = JSON.parse(readFileSync(sqlCachePath(dir), "utf8")) as {
      format: string;
      entries: Record<string, unknown>;
    };
    assert.equal(file.format, SQL_CACHE_FORMAT);
    assert.ok(Object.keys(file.entries).length >= 2, "both statements are cached");
    assert.deepEqual(readsOf(dir, "daily"), first);
  });

  it("is read by a later process: a planted entry for the statement is what the analysis reports", () => {
    readsOf(dir, "daily");
    const path = sqlCachePath(dir);
    const file = JSON.parse(readFileSync(path, "utf8")) as { entries: Record<string, unknown> };
    const key = createHash("sha1").update(STATEMENT, "utf16le").digest("base64url").slice(0, 22);
    assert.ok(file.entries[key], "the statement is stored under its content hash");
    file.entries[key] = { reads: [{ name: "planted_table", start: 0, end: 5 }], writes: [] };
    writeFileSync(path, JSON.stringify(file));
    assert.deepEqual(readsOf(dir, "daily"), ["table:planted_table"]);
  });

  it("ignores a cache written by another format or parser version, and a corrupt one", () => {
    readsOf(dir, "daily");
    const path = sqlCachePath(dir);
    const file = JSON.parse(readFileSync(path, "utf8")) as {
      format: string;
      entries: Record<string, { reads: unknown[] }>;
    };
    for (const entry of Object.values(file.entries)) entry.reads = [{ name: "stale", start: 0, end: 1 }];
    writeFileSync(path, JSON.stringify({ ...file, format: "assetline-sql-statements/0" }));
    assert.deepEqual(readsOf(dir, "daily"), ["table:events"]);
    writeFileSync(path, "{ not json");
    assert.deepEqual(readsOf(dir, "daily"), ["table:events"]);
  });

  it("is not written for statements the fast SQL path reads (cheaper than reading the cache back)", () => {
    assert.deepEqual(readsOf(dir, "daily", {}), ["table:events"]);
    assert.equal(existsSync(sqlCachePath(dir)), false);
  });
});
