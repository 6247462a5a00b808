import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadWorkspaceConfig, redact } from "../../server/src/config/workspaceConfig";

describe("workspace configuration (assetline.config.json)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "assetline-config-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => writeFileSync(join(dir, "assetline.config.json"), text);

  it("defaults to SQLite for both when there is no file and no variable", () => {
    assert.deepEqual(loadWorkspaceConfig(dir, {}), {
      history: { kind: "sqlite" },
      warehouse: { kind: "sqlite" },
      materialize: "local",
    });
  });

  it("reads PostgreSQL URLs from the file", () => {
    write(JSON.stringify({ history: "postgres://ana@db:5432/history", warehouse: "sqlite" }));
    const config = loadWorkspaceConfig(dir, {});
    assert.deepEqual(config.history, {
      kind: "postgres",
      url: "postgres://ana@db:5432/history",
      from: 'assetline.config.json "history"',
    });
    assert.deepEqual(config.warehouse, { kind: "sqlite" });
  });

  it("lets the environment override the file, so secrets stay out of it", () => {
    write(JSON.stringify({ history: "sqlite" }));
    const config = loadWorkspaceConfig(dir, { ASSETLINE_HISTORY_URL: "postgresql://ana:secret@db/h" });
    assert.equal(config.history.kind === "postgres" && config.history.from, "ASSETLINE_HISTORY_URL");
  });

  it("refuses bad input with one line naming the file or variable", () => {
    const cases: [string | undefined, NodeJS.ProcessEnv, RegExp][] = [
      ["{ nope", {}, /assetline\.config\.json: not valid JSON/],
      ["[]", {}, /expected an object/],
      [
        JSON.stringify({ histroy: "sqlite" }),
        {},
        /unknown key "histroy"; the keys are history, warehouse, materialize/,
      ],
      [JSON.stringify({ materialize: "remote" }), {}, /"materialize" must be "local" or "distributed", not "remote"/],
      [JSON.stringify({ materialize: true }), {}, /"materialize" must be "local" or "distributed"$/],
      [
        JSON.stringify({ materialize: "distributed" }),
        { ASSETLINE_HISTORY_URL: "" },
        /assetline\.config\.json: "materialize": "distributed" needs the run history on PostgreSQL/,
      ],
      [JSON.stringify({ history: 5 }), {}, /"history" must be "sqlite" or a postgres:\/\/ URL/],
      [JSON.stringify({ history: "mysql://h/db" }), {}, /unsupported scheme "mysql:"/],
      [JSON.stringify({ warehouse: "postgres://h" }), {}, /names no database/],
      [undefined, { ASSETLINE_WAREHOUSE_URL: "not a url" }, /^ASSETLINE_WAREHOUSE_URL: "not a url" is neither/],
    ];
    for (const [text, env, expected] of cases) {
      if (text !== undefined) write(text);
      else rmSync(join(dir, "assetline.config.json"), { force: true });
      assert.throws(
        () => loadWorkspaceConfig(dir, env),
        (error: unknown) =>
          error instanceof ConfigError && expected.test(error.message) && !error.message.includes("\n"),
      );
    }
  });

  it("runs the editor's materializations on workers when asked, with a PostgreSQL history from the file or the environment", () => {
    write(JSON.stringify({ materialize: "distributed" }));
    assert.equal(loadWorkspaceConfig(dir, { ASSETLINE_HISTORY_URL: "postgres://ana@db/h" }).materialize, "distributed");
    write(JSON.stringify({ materialize: "local" }));
    assert.equal(loadWorkspaceConfig(dir, {}).materialize, "local");
  });

  it("never prints a password", () => {
    assert.equal(redact("postgres://ana:hunter2@db/h"), "postgres://ana:***@db/h");
    assert.throws(
      () => loadWorkspaceConfig(dir, { ASSETLINE_HISTORY_URL: "mysql://ana:hunter2@db/h" }),
      (error: unknown) => error instanceof Error && !error.message.includes("hunter2"),
    );
  });
});
