import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CodeLensRequest, HoverRequest, LSPErrorCodes, ResponseError } from "vscode-languageserver-protocol";
import {
  CancelRunRequest,
  MaterializeRequest,
  type RunEventParams,
  RunEventNotification,
  type RunFinishedParams,
  RunChecksRequest,
  RunDetailsRequest,
  type RunRefusal,
  StatusRequest,
} from "../../protocol";
import { serverPerTest } from "./support/perTest";

describe("language server: runs from the editor", function () {
  this.timeout(120_000);
  const server = serverPerTest("lsp-runs");

  const finished = (runId: string): Promise<RunFinishedParams> => server.client.runFinished(runId);

  function eventsOf(runId: string): RunEventParams[] {
    return server.client.notifications
      .filter((n) => n.method === RunEventNotification.method && (n.params as RunEventParams).runId === runId)
      .map((n) => n.params as RunEventParams);
  }

  it("materializes with upstream, streams the run, and shows the new status", async () => {
    const { client } = server;
    const started = await client.connection.sendRequest(MaterializeRequest.type, {
      selection: "doubled",
      withUpstream: true,
    });
    assert.equal(started.selection, "+doubled");
    assert.equal(started.steps, 3);
    const result = await finished(started.runId);
    assert.equal(result.status, "SUCCESS", JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((step) => `${step.assetKey}${step.checkName ? `:${step.checkName}` : ""} ${step.status}`),
      ["numbers succeeded", "doubled succeeded", "doubled:positive succeeded"],
    );
    const types = eventsOf(started.runId).map((event) => event.type);
    assert.ok(
      types.includes("MATERIALIZATION") &&
        types.includes("CHECK_EVALUATION") &&
        types[types.length - 1] === "RUN_SUCCESS",
      types.join(" "),
    );
    // The history was re-read when the run finished, before the notification went out.
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client.uri("src/numbers.ts") },
    });
    const titles = lenses!.map((lens) => lens.command!.title);
    assert.ok(
      titles.includes("✓ materialized less than a second ago · checks 1/1 · fresh") ||
        titles.some((title) => /^✓ materialized \d+ s ago · checks 1\/1 · fresh$/.test(title)),
      titles.join(" | "),
    );
  });

  it("runs one check of a materialized asset", async () => {
    const { client } = server;
    await finished(
      (await client.connection.sendRequest(MaterializeRequest.type, { selection: "doubled", withUpstream: true }))
        .runId,
    );
    const checks = await client.connection.sendRequest(RunChecksRequest.type, { key: "doubled", check: "positive" });
    assert.equal(checks.steps, 1);
    assert.equal((await finished(checks.runId)).status, "SUCCESS");
  });

  it("cancels a running run once; a second cancel says it did nothing", async () => {
    const { client } = server;
    const slow = await client.connection.sendRequest(MaterializeRequest.type, { selection: "slow" });
    await client.waitFor(
      "the slow step to start",
      () => eventsOf(slow.runId).some((event) => event.type === "STEP_STARTED"),
      30_000,
    );
    assert.deepEqual(await client.connection.sendRequest(CancelRunRequest.type, { runId: slow.runId }), {
      cancelled: true,
    });
    assert.equal((await finished(slow.runId)).status, "CANCELED");
    assert.deepEqual(await client.connection.sendRequest(CancelRunRequest.type, { runId: slow.runId }), {
      cancelled: false,
    });
  });

  it("refuses what cannot run in the user's words: no match, unsaved edits", async () => {
    const { client } = server;
    let refusal: RunRefusal | undefined;
    const refused = (params: { selection: string }) =>
      client.connection.sendRequest(MaterializeRequest.type, params).then(
        () => assert.fail("should be refused"),
        (error: ResponseError<RunRefusal>) => {
          assert.ok(error instanceof ResponseError);
          assert.equal(error.code, LSPErrorCodes.RequestFailed);
          refusal = error.data;
          return error.message;
        },
      );
    assert.match(await refused({ selection: "nope" }), /nothing matches "nope"/);
    assert.deepEqual(refusal, { kind: "selection" });
    // Unsaved edits: the executor runs what is on disk, so the server asks for a save first.
    const file = "src/numbers.ts";
    await client.open(file);
    const at = client.at(file, "|select 1 as n");
    await client.edit(file, { range: { start: at, end: at }, text: " " });
    assert.match(await refused({ selection: "numbers" }), /save src\/numbers\.ts first/);
    // The reason travels as data too, so the editor can offer "Save File".
    assert.deepEqual(refusal, { kind: "unsaved", files: ["src/numbers.ts"] });
    writeFileSync(join(client.root, file), client.read(file).replace("select 1 as n", " select 1 as n"));
    await client.close(file);
  });

  it("a buffer with no file on disk does not block a run that does not execute it", async () => {
    const { client } = server;
    // VS Code keeps a deleted file's editor open: "save it first" would bring the file back.
    const file = "src/scratch.ts";
    const text = `import { asset } from "assetline";\n\nexport const scratch = asset({ name: "scratch" }, (ctx) => {\n  ctx.db.exec("select 1");\n});\n`;
    await client.open(file, text);
    await client.diagnosticsOf(file, () => true);
    const started = await client.connection.sendRequest(MaterializeRequest.type, { selection: "numbers" });
    assert.equal((await finished(started.runId)).status, "SUCCESS");
    await client.close(file);
  });

  it("traces a failure to the user's throwing line: run events, run details, status, lens and hover", async () => {
    const client = await server.startAnalyzed("lsp-runs", {
      prepare: (root) => {
        writeFileSync(
          join(root, "src", "feed.ts"),
          `export function feed(): number {\n  throw new Error("boom: revenue feed missing\\nsecond line");\n}\n`,
        );
        writeFileSync(
          join(root, "src", "revenue.ts"),
          `import { asset } from "assetline";\nimport { feed } from "./feed";\n\nexport const revenue = asset({}, () => {\n  feed();\n});\n`,
        );
      },
    });
    const started = await client.connection.sendRequest(MaterializeRequest.type, { selection: "revenue" });
    assert.equal((await finished(started.runId)).status, "FAILURE");
    const thrown = { file: "src/feed.ts", line: 1, character: 8 };
    const live = eventsOf(started.runId).find((event) => event.type === "STEP_FAILURE");
    assert.deepEqual(live?.location, thrown, JSON.stringify(live));
    assert.match(live?.stack ?? "", /src\/feed\.ts:2:9/);

    const details = await client.connection.sendRequest(RunDetailsRequest.type, { runId: started.runId });
    assert.equal(details?.run.status, "FAILURE");
    assert.equal(details?.run.launchedBy, "editor");
    assert.deepEqual(details?.events.find((event) => event.type === "STEP_FAILURE")?.location, thrown);
    assert.equal(await client.connection.sendRequest(RunDetailsRequest.type, { runId: "no-such-run" }), null);

    const [status] = await client.connection.sendRequest(StatusRequest.type, { keys: ["revenue"] });
    assert.equal(status?.state, "failed");
    assert.deepEqual(status?.lastError, {
      message: "boom: revenue feed missing",
      runId: started.runId,
      location: thrown,
    });
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client.uri("src/revenue.ts") },
    });
    const titles = lenses!.map((lens) => lens.command!.title);
    assert.ok(
      titles.some((title) => /^✗ failed .*: boom: revenue feed missing$/.test(title)),
      titles.join(" | "),
    );
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: client.uri("src/revenue.ts") },
      position: client.at("src/revenue.ts", "export const re|venue"),
    });
    const text = JSON.stringify(hover?.contents);
    assert.ok(text.includes(`Run \`${started.runId}\` at src/feed.ts:2: boom: revenue feed missing`), text);
  });

  it("reads the warehouse configuration for every run: a bad one is refused, a fixed one runs, without a restart", async () => {
    const { client } = server;
    const first = await client.connection.sendRequest(MaterializeRequest.type, { selection: "numbers" });
    assert.equal((await finished(first.runId)).status, "SUCCESS");
    const config = join(client.root, "assetline.config.json");
    writeFileSync(config, JSON.stringify({ warehouse: "postgres://ana:hunter2@db.internal" }));
    await assert.rejects(
      client.connection.sendRequest(MaterializeRequest.type, { selection: "numbers" }),
      (error: unknown) =>
        error instanceof ResponseError &&
        error.code === LSPErrorCodes.RequestFailed &&
        error.message ===
          'assetline.config.json "warehouse": the URL names no database; add one, as in postgres://user@host:5432/assetline',
    );
    writeFileSync(config, JSON.stringify({ warehouse: "sqlite" }));
    const started = await client.connection.sendRequest(MaterializeRequest.type, { selection: "numbers" });
    assert.equal((await finished(started.runId)).status, "SUCCESS");
  });

  it("never runs code in a workspace the user has not trusted", async () => {
    const client = await server.start("lsp-runs", { initializationOptions: { workspaceTrusted: false } });
    await assert.rejects(
      client.connection.sendRequest(MaterializeRequest.type, { selection: "numbers" }),
      (error: unknown) =>
        error instanceof ResponseError &&
        error.code === LSPErrorCodes.RequestFailed &&
        /not trusted/.test(error.message) &&
        (error.data as RunRefusal).kind === "untrusted",
    );
    // Status only: no lens offers what would be refused.
    await client.waitFor("the first analysis", () => client.progress.some((value) => value.kind === "end"));
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client.uri("src/numbers.ts") },
    });
    const titles = lenses!.map((lens) => lens.command!.title);
    assert.ok(
      titles.some((title) => title.startsWith("○ never materialized")),
      titles.join(" | "),
    );
    assert.ok(titles.includes("Show lineage"), titles.join(" | "));
    assert.deepEqual(
      titles.filter((title) => /Materialize|with upstream|Run check/.test(title)),
      [],
    );
  });
});
