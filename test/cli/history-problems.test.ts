import assert from "node:assert/strict";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { storePath } from "../../server/src/store";
import { assetline, type CliResult } from "./support";
import { assetlineUnprivileged, giveToUnprivileged, openToEveryone } from "./unprivileged";

const ASSETS = `import { asset } from "assetline";

export const numbers = asset({}, async (ctx) => {
  ctx.db.exec("drop table if exists numbers; create table numbers as select 1 as n");
});
`;

/** Exit code for "the run history cannot be read or written" (README, Exit codes). */
const HISTORY_EXIT = 3;

/** One line on stderr, no stack trace, no "this is a bug". */
function assertOneLine(result: CliResult, pattern: RegExp): void {
  assert.equal(result.status, HISTORY_EXIT, `exit code\n${result.stdout}${result.stderr}`);
  assert.equal(result.stderr.trimEnd().split("\n").length, 1, `one line expected:\n${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /internal error|This is a bug|\n\s+at /);
}

describe("cli: a run history that cannot be used is one clear line, and readers still read", function () {
  let dir: string;
  let db: string;
  let runId: string;
  /** The history as the first materialize left it, restored before each case. */
  let pristine: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-history-"));
    openToEveryone(dir);
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
    const first = assetline(["materialize", "*", "--dir", dir]);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    runId = /Run (\S+):/.exec(first.stdout)![1]!;
    db = storePath(dir);
    pristine = join(dir, "pristine.db");
    copyFileSync(db, pristine);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => {
    const folder = join(dir, ".assetline");
    chmodSync(folder, 0o755);
    for (const name of readdirSync(folder)) {
      if (name.startsWith("assetline.db")) rmSync(join(folder, name), { force: true });
    }
    copyFileSync(pristine, db);
    chmodSync(db, 0o644);
    // The workspace (and its SQL cache) belong to the user; the history's permissions vary per case.
    for (const path of [dir, join(dir, "src"), join(dir, "src", "assets.ts")]) giveToUnprivileged(path);
  });

  function assertReadersRead(): void {
    const status = assetlineUnprivileged(["status", "--dir", dir, "--format", "json"], dir);
    assert.equal(status.status, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).assets[0].state, "fresh");
    const runs = assetlineUnprivileged(["runs", "--dir", dir], dir);
    assert.equal(runs.status, 0, runs.stderr);
    assert.match(runs.stdout, new RegExp(`${runId}\\s+SUCCESS`));
    const logs = assetlineUnprivileged(["logs", runId, "--dir", dir], dir);
    assert.equal(logs.status, 0, logs.stderr);
    assert.match(logs.stdout, /MATERIALIZATION numbers/);
  }

  it("a read-only assetline.db: materialize names the file and the fix; status, runs and logs read it", () => {
    giveToUnprivileged(join(dir, ".assetline"));
    chmodSync(db, 0o444);
    const run = assetlineUnprivileged(["materialize", "*", "--dir", dir], dir);
    assertOneLine(
      run,
      new RegExp(
        `cannot write the run history ${db.replace(/[.]/g, "\\.")}: permission denied on the file; make it writable \\(chmod`,
      ),
    );
    assertReadersRead();
  });

  it("a read-only .assetline/ folder: materialize names the folder; readers read a private copy", () => {
    // Owned by root (or the current user) and not writable by the user running the CLI.
    chmodSync(join(dir, ".assetline"), 0o555);
    const run = assetlineUnprivileged(["materialize", "*", "--dir", dir], dir);
    assertOneLine(
      run,
      /cannot write the run history .*assetline\.db: permission denied on the folder; make its folder writable \(chmod u\+rwx ".*\.assetline"\)/,
    );
    assertReadersRead();
    assert.deepEqual(
      readdirSync(join(dir, ".assetline")).filter((name) => name.startsWith("assetline.db")),
      ["assetline.db"],
    );
  });

  it("a garbage file in place of the database: every command says so, and the file is left alone", () => {
    writeFileSync(db, "this is not a database\n".repeat(200));
    for (const args of [
      ["materialize", "*", "--dir", dir],
      ["status", "--dir", dir],
      ["runs", "--dir", dir],
      ["logs", runId, "--dir", dir],
    ]) {
      assertOneLine(
        assetline(args),
        /assetline\.db is not a readable Assetline run history \(file is not a database\); move it aside \(mv /,
      );
    }
    assert.equal(readFileSync(db, "utf8"), "this is not a database\n".repeat(200));
  });

  it("a database from a newer Assetline: every command says upgrade, and nothing is written", () => {
    const raw = new Database(db);
    raw.pragma("user_version = 99");
    raw.close();
    const before = readFileSync(db);
    for (const args of [
      ["materialize", "*", "--dir", dir],
      ["status", "--dir", dir],
      ["runs", "--dir", dir],
    ]) {
      assertOneLine(
        assetline(args),
        /assetline\.db was written by a newer Assetline \(schema 99, this one knows \d+\); upgrade Assetline/,
      );
    }
    assert.ok(readFileSync(db).equals(before), "the newer database is untouched");
  });
});
