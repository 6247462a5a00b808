import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  EventStore,
  ReadonlyStoreError,
  SchemaOutdatedError,
  SchemaTooNewError,
  StoreError,
  storePath,
} from "../../server/src/store";
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from "../../server/src/store/schema";
import { tempStore, type TempStore } from "./support/store-temp";

describe("store: schema and migrations", () => {
  let tmp: TempStore;
  beforeEach(() => (tmp = tempStore()));
  afterEach(() => tmp.cleanup());

  it("creates .assetline/assetline.db from nothing at the newest version, in WAL mode", () => {
    assert.equal(storePath(tmp.dir), tmp.dbPath);
    const store = EventStore.open(tmp.dbPath);
    store.close();
    assert.ok(existsSync(tmp.dbPath));
    const db = new Database(tmp.dbPath, { readonly: true });
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    assert.deepEqual(tables, [
      "asset_latest",
      "automation_decisions",
      "automation_owner",
      "check_latest",
      "events",
      "runs",
    ]);
    db.close();
  });

  it("re-opens an existing store without migrating again and keeps its data", () => {
    const first = EventStore.open(tmp.dbPath);
    const run = first.createRun({ selection: "a", launchedBy: "cli" });
    first.appendEvent(run.id, { type: "MATERIALIZATION", assetKey: "a", codeVersion: "v1" });
    first.close();
    const second = EventStore.open(tmp.dbPath);
    assert.equal(second.latestMaterialization("a")?.codeVersion, "v1");
    assert.equal(second.getRun(run.id)?.selection, "a");
    second.close();
    const readonly = EventStore.open(tmp.dbPath, { readonly: true });
    assert.equal(readonly.latestMaterialization("a")?.codeVersion, "v1");
    readonly.close();
  });

  it("refuses a database written by a newer Assetline with a clear typed error", () => {
    EventStore.open(tmp.dbPath).close();
    const db = new Database(tmp.dbPath);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    for (const readonly of [false, true]) {
      assert.throws(
        () => EventStore.open(tmp.dbPath, { readonly }),
        (error: unknown) => {
          assert.ok(error instanceof SchemaTooNewError);
          assert.ok(error instanceof StoreError);
          assert.equal(error.found, SCHEMA_VERSION + 1);
          assert.equal(error.known, SCHEMA_VERSION);
          assert.equal(
            error.message,
            `${tmp.dbPath} was written by a newer Assetline (schema ${SCHEMA_VERSION + 1}, this one knows ${SCHEMA_VERSION}); upgrade Assetline`,
          );
          return true;
        },
      );
    }
    // The refusal must not have touched the file.
    const check = new Database(tmp.dbPath, { readonly: true });
    assert.equal(schemaVersion(check), SCHEMA_VERSION + 1);
    check.close();
  });

  it("applies pending migrations in order and only once", () => {
    const db = new Database(tmp.dbPath.replace(".assetline/", ""));
    const extra = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, sql: "CREATE TABLE extra_a (x)" },
      { version: SCHEMA_VERSION + 2, sql: "CREATE TABLE extra_b (x); INSERT INTO extra_b SELECT 1 FROM extra_a" },
    ];
    assert.equal(migrate(db, "test.db", MIGRATIONS), SCHEMA_VERSION);
    assert.equal(migrate(db, "test.db", extra), SCHEMA_VERSION + 2);
    assert.equal(schemaVersion(db), SCHEMA_VERSION + 2);
    // Running again is a no-op (a second CREATE TABLE would throw).
    assert.equal(migrate(db, "test.db", extra), SCHEMA_VERSION + 2);
    db.close();
  });

  it("rolls a failing migration back entirely, leaving the previous version", () => {
    const db = new Database(tmp.dbPath.replace(".assetline/", ""));
    migrate(db, "test.db", MIGRATIONS);
    const broken = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, sql: "CREATE TABLE half_done (x)" },
      { version: SCHEMA_VERSION + 2, sql: "THIS IS NOT SQL" },
    ];
    assert.throws(() => migrate(db, "test.db", broken), /syntax error/);
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get(), 0);
    db.close();
  });

  it("read-only opens need an existing, migrated database and refuse writes", () => {
    assert.throws(() => EventStore.open(tmp.dbPath, { readonly: true }), /no run history/);
    // An empty SQLite file stands for one written before the current schema.
    mkdirSync(dirname(tmp.dbPath), { recursive: true });
    new Database(tmp.dbPath).close();
    assert.throws(() => EventStore.open(tmp.dbPath, { readonly: true }), SchemaOutdatedError);
    EventStore.open(tmp.dbPath).close(); // a writable open is what migrates
    const readonly = EventStore.open(tmp.dbPath, { readonly: true });
    assert.throws(() => readonly.createRun({ selection: "*", launchedBy: "cli" }), ReadonlyStoreError);
    assert.throws(() => readonly.recoverAbandonedRuns(), ReadonlyStoreError);
    assert.equal(readonly.lastEventId(), 0);
    readonly.close();
  });

  for (const version of [1, 2]) {
    it(`reads a version ${version} history no writer has migrated yet, with no automation records`, () => {
      mkdirSync(dirname(tmp.dbPath), { recursive: true });
      const db = new Database(tmp.dbPath);
      migrate(db, tmp.dbPath, MIGRATIONS.slice(0, version));
      db.close();
      const readonly = EventStore.open(tmp.dbPath, { readonly: true });
      try {
        assert.deepEqual(readonly.automationDecisions(), []);
        assert.deepEqual(readonly.lastCronSkips(), []);
        assert.equal(readonly.automationOwner(), undefined);
        assert.deepEqual(readonly.stepOutcomes("a"), []);
        assert.deepEqual([...readonly.latestState()], []);
      } finally {
        readonly.close();
      }
      EventStore.open(tmp.dbPath).close();
      const migrated = new Database(tmp.dbPath, { readonly: true });
      assert.equal(schemaVersion(migrated), SCHEMA_VERSION);
      migrated.close();
    });
  }
});
