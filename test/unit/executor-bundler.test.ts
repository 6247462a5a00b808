import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openWorkspace, type Workspace } from "./support/executor-harness";

describe("executor: loading user code", function () {
  this.timeout(60_000);
  let ws: Workspace;
  before(async () => {
    ws = await openWorkspace("exec-bundle", { concurrency: 1 });
    // A different "assetline" in the user's node_modules must not be what the worker loads.
    mkdirSync(join(ws.root, "node_modules", "assetline"), { recursive: true });
    writeFileSync(join(ws.root, "node_modules", "assetline", "package.json"), JSON.stringify({ name: "assetline", main: "index.js" }));
    writeFileSync(join(ws.root, "node_modules", "assetline", "index.js"), 'throw new Error("the workspace copy of assetline was loaded");\n');
  });
  after(() => ws.dispose());

  const materialize = async () => {
    const result = await ws.run(["reads_value"]).done;
    return { result, metadata: ws.store.latestMaterialization("reads_value")?.metadata as { value: number; pid: number } | undefined };
  };
  const bundles = () => readdirSync(join(ws.root, ".assetline", "build")).filter((name) => name.startsWith("reads_value."));

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
});
