import { strict as assert } from "node:assert";
import { CodeLensRequest, ResponseError } from "vscode-languageserver-protocol";
import { ImpactRequest } from "../../protocol";
import { commitAll, gitIn } from "../support/gitRepo";
import { GitTraps } from "../support/gitTraps";
import { positionOf } from "./support/edits";
import { dropStatus, IMPACT_FIXTURE, STATUS_COLUMN, startCommitted } from "./support/impactWorkspace";
import { serverPerTest } from "./support/perTest";

describe("language server: impact analysis", function () {
  this.timeout(60_000);
  const server = serverPerTest();

  it("answers the impact request from unsaved buffers, and shows the hint on the changed asset", async () => {
    const client = await startCommitted(server);
    const clean = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(clean.changes, []);
    assert.match(clean.base.commit, /^[0-9a-f]{40}$/);

    const file = "src/up.ts";
    const start = await dropStatus(client);

    const report = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(
      report.changes.map((c) => [c.key, c.change, c.category]),
      [["up", "modified", "breaking"]],
    );
    assert.deepEqual(report.changes[0]!.columns, { added: [], removed: ["status"] });
    assert.deepEqual(
      report.impacted.map((a) => [a.key, a.impact, a.distance]),
      [["down", "breaking", 1]],
    );
    assert.deepEqual(report.owners, ["team:analytics", "team:finance"]);

    // The selection narrows the answer to what it names: the change, or the impact on a consumer.
    const onlyUp = await client.connection.sendRequest(ImpactRequest.type, { selection: "up" });
    assert.deepEqual(
      [onlyUp.changes.map((c) => c.key), onlyUp.impacted.map((a) => a.key), onlyUp.owners],
      [["up"], [], ["team:analytics"]],
    );
    const onlyDown = await client.connection.sendRequest(ImpactRequest.type, { selection: "down" });
    assert.deepEqual([onlyDown.changes, onlyDown.impacted.map((a) => a.key)], [[], ["down"]]);
    const upAndAfter = await client.connection.sendRequest(ImpactRequest.type, { selection: "up+" });
    assert.deepEqual(upAndAfter.impacted, report.impacted);
    await assert.rejects(
      client.connection.sendRequest(ImpactRequest.type, { selection: "up+x+" }),
      (error: unknown) => {
        assert.ok(error instanceof ResponseError);
        assert.equal(error.message.split("\n").length, 1);
        return true;
      },
    );

    const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client.uri(file) },
    });
    assert.ok(
      lenses?.some((lens) => lens.command?.title === "modified · breaking · 1 downstream"),
      JSON.stringify(lenses?.map((l) => l.command?.title)),
    );

    // Typing the column back makes the change go away, still without saving.
    await client.edit(file, { range: { start, end: start }, text: STATUS_COLUMN });
    const back = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(back.changes, []);
  });

  it("compares with a new commit from the very next request, and with the branch a checkout moves to", async () => {
    const client = await startCommitted(server);
    const first = await client.connection.sendRequest(ImpactRequest.type, {});
    gitIn(client.root, "commit", "-q", "--allow-empty", "-m", "HEAD moves");
    const committed = gitIn(client.root, "rev-parse", "HEAD").trim();
    assert.notEqual(committed, first.base.commit);
    // At once: no waiting for a cache of resolved revisions to expire.
    const afterCommit = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.equal(afterCommit.base.commit, committed);

    gitIn(client.root, "checkout", "-q", "-b", "feature", first.base.commit);
    const afterCheckout = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.equal(afterCheckout.base.commit, first.base.commit);
    gitIn(client.root, "pack-refs", "--all");
    gitIn(client.root, "commit", "-q", "--allow-empty", "-m", "on feature, refs packed");
    const packed = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.equal(packed.base.commit, gitIn(client.root, "rev-parse", "HEAD").trim());
  });

  it("fails the request with one line when the workspace is not a git repository", async () => {
    const client = await server.start(IMPACT_FIXTURE);
    await assert.rejects(client.connection.sendRequest(ImpactRequest.type, {}), (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.match(error.message, /not inside a git repository/);
      return true;
    });
  });

  it("refuses the request in an untrusted workspace with one line, and never runs git there", async () => {
    let traps: GitTraps | undefined;
    const client = await server.start(IMPACT_FIXTURE, {
      initializationOptions: { workspaceTrusted: false },
      prepare: (root) => {
        commitAll(root);
        traps = new GitTraps(root);
      },
    });
    try {
      await assert.rejects(client.connection.sendRequest(ImpactRequest.type, {}), (error: unknown) => {
        assert.ok(error instanceof ResponseError);
        assert.match(error.message, /^this workspace is not trusted, so Assetline does not run git in it/);
        assert.equal(error.message.split("\n").length, 1);
        return true;
      });
      // No impact hint either: CodeLenses would otherwise prepare the base revision with git.
      const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
        textDocument: { uri: client.uri("src/up.ts") },
      });
      assert.ok(!lenses?.some((lens) => /downstream/.test(lens.command?.title ?? "")));
      assert.deepEqual(traps!.fired(), []);
    } finally {
      traps!.dispose();
    }
  });

  it("reports AL008 live while a column name is misspelt, and drops it when fixed", async () => {
    const client = await server.start(IMPACT_FIXTURE);
    const file = "src/down.ts";
    await client.open(file);
    // Analysed and clean: the open document's diagnostics arrive, empty.
    await client.diagnosticsOf(file, (d) => d.length === 0);
    const at = positionOf(client.read(file), "u.status", 2);
    await client.edit(file, {
      range: { start: at, end: { line: at.line, character: at.character + "status".length } },
      text: "statuz",
    });
    const diagnostics = await client.diagnosticsOf(file, (d) => d.some((diagnostic) => diagnostic.code === "AL008"));
    const al008 = diagnostics.find((diagnostic) => diagnostic.code === "AL008")!;
    assert.equal(al008.severity, 2);
    assert.match(String(al008.message), /up has no column `statuz`.*did you mean `status`\?/);
    assert.deepEqual(al008.range.start, at);
    await client.edit(file, {
      range: { start: at, end: { line: at.line, character: at.character + "statuz".length } },
      text: "status",
    });
    assert.deepEqual(await client.diagnosticsOf(file, (d) => d.length === 0), []);
  });
});
