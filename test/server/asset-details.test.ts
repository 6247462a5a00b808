import { strict as assert } from "node:assert";
import { ErrorCodes, ResponseError } from "vscode-languageserver-protocol";
import { AssetDetailsRequest, MaterializeRequest, RunChecksRequest } from "../../protocol";
import { serverPerTest } from "./support/perTest";

describe("language server: an asset's details for the lineage panel (columns and recent runs)", function () {
  this.timeout(120_000);
  const server = serverPerTest("lsp-runs");

  it("answers the columns the SQL produces, and no runs before the first", async () => {
    const { client } = server;
    const details = await client.connection.sendRequest(AssetDetailsRequest.type, { key: "doubled" });
    assert.deepEqual(details, {
      key: "doubled",
      columns: { known: true, names: ["n"] },
      runs: [],
      olderRunsNotSearched: false,
      // Nothing automates it, and it was never timed: no time, no durations (JSON drops them).
      next: { basis: "no automation condition will materialize it" },
    });
    const slow = await client.connection.sendRequest(AssetDetailsRequest.type, { key: "slow" });
    assert.equal(slow?.columns.known, false);
    assert.match(slow?.columns.known ? "" : slow!.columns.why, /creates no table from static SQL/);
    assert.equal(await client.connection.sendRequest(AssetDetailsRequest.type, { key: "no_such_asset" }), null);
  });

  it("lists the asset's runs newest first: outcome, start, duration and the checks of each", async () => {
    const { client } = server;
    const built = await client.connection.sendRequest(MaterializeRequest.type, {
      selection: "doubled",
      withUpstream: true,
    });
    assert.equal((await client.runFinished(built.runId)).status, "SUCCESS");
    const checked = await client.connection.sendRequest(RunChecksRequest.type, { key: "doubled" });
    assert.equal((await client.runFinished(checked.runId)).status, "SUCCESS");

    const details = await client.connection.sendRequest(AssetDetailsRequest.type, { key: "doubled" });
    assert.deepEqual(
      details?.runs.map((run) => [run.runId, run.outcome, run.checks]),
      [
        [checked.runId, "checked", [{ name: "positive", passed: true, blocking: false }]],
        [built.runId, "succeeded", [{ name: "positive", passed: true, blocking: false }]],
      ],
    );
    const run = details!.runs[1]!;
    assert.ok(
      typeof run.durationMs === "number" && run.durationMs >= 0 && run.durationMs < 60_000,
      JSON.stringify(run),
    );
    assert.ok(Math.abs(run.startedAt - Date.now()) < 120_000, JSON.stringify(run));
    assert.equal(run.message, undefined);
    // The upstream built in the same run has its own history; only one run, and no checks.
    const numbers = await client.connection.sendRequest(AssetDetailsRequest.type, { key: "numbers", runs: 5 });
    assert.deepEqual(
      numbers?.runs.map((entry) => [entry.runId, entry.outcome, entry.checks.length]),
      [[built.runId, "succeeded", 0]],
    );
    const newest = await client.connection.sendRequest(AssetDetailsRequest.type, { key: "doubled", runs: 1 });
    assert.deepEqual(
      newest?.runs.map((entry) => entry.runId),
      [checked.runId],
    );
  });

  it("refuses malformed params with InvalidParams naming the field", async () => {
    const { client } = server;
    await assert.rejects(
      client.connection.sendRequest(AssetDetailsRequest.method, { key: 42 }),
      (error: unknown) =>
        error instanceof ResponseError &&
        error.code === ErrorCodes.InvalidParams &&
        /params\.key must be a string/.test(error.message),
    );
  });
});
