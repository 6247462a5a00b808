import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDirectory } from "../../server/src/analysis";
import { openWorkspace, type Workspace } from "./support/executor-harness";

describe("executor: loading user code", function () {
  this.timeout(60_000);
  let ws: Workspace;
  before(async () => {
    ws = await openWorkspace("exec-bundle", { concurrency: 1 });
    // A different "assetline" in the user's node_modules must not be what the worker loads.
    mkdirSync(join(ws.root, "node_modules", "assetline"), { recursive: true });
    writeFileSync(
      join(ws.root, "node_modules", "assetline", "package.json"),
      JSON.stringify({ name: "assetline", main: "index.js" }),
    );
    writeFileSync(
      join(ws.root, "node_modules", "assetline", "index.js"),
      'throw new Error("the workspace copy of assetline was loaded");\n',
    );
  });
  after(() => ws.dispose());

  const materialize = async () => {
    const result = await ws.run(["reads_value"]).done;
    return {
      result,
      metadata: ws.store.latestMaterialization("reads_value")?.metadata as { value: number; pid: number } | undefined,
    };
  };
  const bundles = () =>
    readdirSync(join(ws.root, ".assetline", "build")).filter((name) => name.startsWith("reads_value."));

  it("aliases the assetline import to the engine's SDK", async () => {
    const { result, metadata } = await materialize();
    assert.equal(result.status, "SUCCESS", result.message);
    assert.equal(metadata?.value, 1);
  });

  it("rebuilds when an imported file changes, and a warm worker loads the new bundle", async () => {
    const before = await materialize();
    const [oldBundle] = bundles();
    writeFileSync(join(ws.root, "src", "value.ts"), "export const VALUE: number = 2;\n");
    const after = await materialize();
    assert.equal(after.metadata?.value, 2);
    assert.equal(after.metadata?.pid, before.metadata?.pid, "the same worker process ran both");
    assert.equal(bundles().length, 1, "the old bundle is removed");
    assert.notEqual(bundles()[0], oldBundle);
    assert.equal(existsSync(join(ws.root, ".assetline", "build", oldBundle!)), false);
  });

  it("a module that does not compile fails its steps with esbuild's message", async () => {
    writeFileSync(join(ws.root, "src", "value.ts"), "export const VALUE: number = ;\n");
    const { result } = await materialize();
    assert.equal(result.status, "FAILURE");
    assert.match(result.steps[0]!.message ?? "", /could not build src\/reads_value\.ts:\nsrc\/value\.ts:1:\d+: /);
    writeFileSync(join(ws.root, "src", "value.ts"), "export const VALUE: number = 3;\n");
    assert.equal((await materialize()).metadata?.value, 3);
  });

  it("records the code version of what was bundled, not of a plan made before the file was saved", async () => {
    const file = join(ws.root, "src", "reads_value.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace("value: VALUE,", "value: VALUE * 10,"));
    const planned = ws.snapshot.graph.definition("reads_value")!.codeVersion;
    const current = analyzeDirectory(ws.root).graph.definition("reads_value")!.codeVersion;
    assert.notEqual(current, planned, "the edit changes the code version");
    const handle = ws.run(["reads_value"]);
    const result = await handle.done;
    assert.equal(result.status, "SUCCESS", result.message);
    const materialization = ws.store.latestMaterialization("reads_value")!;
    assert.equal((materialization.metadata as { value: number }).value, 30, "the saved code ran");
    assert.equal(materialization.codeVersion, current);
    const notes = ws.store.runEvents(handle.runId).filter((event) => event.type === "LOG" && event.level === "warn");
    assert.ok(
      notes.some(
        (event) =>
          "message" in event && /src\/reads_value\.ts changed after the run was planned/.test(event.message ?? ""),
      ),
      JSON.stringify(notes),
    );
  });

  it("fails a step whose definition is gone from the file it was planned in, without running other code", async () => {
    const file = join(ws.root, "src", "reads_value.ts");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("export const reads_value = asset({}", "export const renamed = asset({}"));
    try {
      const result = await ws.run(["reads_value"]).done;
      assert.equal(result.status, "FAILURE");
      assert.equal(
        result.steps[0]!.message,
        "src/reads_value.ts changed since the run was planned and no longer defines reads_value; run again",
      );
    } finally {
      writeFileSync(file, original);
    }
  });
});
