import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { CodeLensRequest, ResponseError } from "vscode-languageserver-protocol";
import { ImpactRequest } from "../../protocol";
import { GitTraps } from "../support/gitTraps";
import { TestClient } from "./support/client";
import { positionOf } from "./support/edits";

/** Runs git in the workspace copy as a user would, with a committer and no system config. */
function gitIn(root: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd: root, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: root } },
  );
}

/** Makes the workspace copy a git repository with everything committed, as a user's would be. */
function commitAll(root: string): void {
  const git = (...args: string[]) => gitIn(root, ...args);
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
}

describe("language server: impact analysis", function () {
  this.timeout(60_000);
  let client: TestClient;

  afterEach(async function () {
    if (this.currentTest?.state === "failed") client.kill();
    else await client.stop();
  });

  it("answers the impact request from unsaved buffers, and shows the hint on the changed asset", async () => {
    ({ client } = await TestClient.start("lsp-impact", { prepare: commitAll }));
    const clean = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(clean.changes, []);
    assert.match(clean.base.commit, /^[0-9a-f]{40}$/);

    const file = "src/up.ts";
    await client.open(file);
    const text = client.read(file);
    const start = positionOf(text, ", 'paid' as status");
    const end = positionOf(text, ", 'paid' as status", ", 'paid' as status".length);
    await client.edit(file, { range: { start, end }, text: "" });

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
    await client.edit(file, { range: { start, end: start }, text: ", 'paid' as status" });
    const back = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(back.changes, []);
  });

  it("compares with a new commit from the very next request, and with the branch a checkout moves to", async () => {
    ({ client } = await TestClient.start("lsp-impact", { prepare: commitAll }));
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
    ({ client } = await TestClient.start("lsp-impact"));
    await assert.rejects(client.connection.sendRequest(ImpactRequest.type, {}), (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.match(error.message, /not inside a git repository/);
      return true;
    });
  });

  it("refuses the request in an untrusted workspace with one line, and never runs git there", async () => {
    let traps: GitTraps | undefined;
    ({ client } = await TestClient.start("lsp-impact", {
      initializationOptions: { workspaceTrusted: false },
      prepare: (root) => {
        commitAll(root);
        traps = new GitTraps(root);
      },
    }));
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
    ({ client } = await TestClient.start("lsp-impact"));
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
