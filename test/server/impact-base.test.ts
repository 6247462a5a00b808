import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LogMessageNotification, type LogMessageParams } from "vscode-languageserver-protocol";
import { ImpactRequest } from "../../protocol";
import { gitBlobId } from "../../server/src/analysis/git";
import { gitIn } from "../support/gitRepo";
import type { TestClient } from "./support/client";
import { dropStatus, startCommitted } from "./support/impactWorkspace";
import { serverPerTest } from "./support/perTest";

/** What the server said about the base revision it analysed ("impact: analysed HEAD (…), …"). */
function baseAnalysed(client: TestClient): string[] {
  return client.notifications
    .filter((n) => n.method === LogMessageNotification.method)
    .map((n) => (n.params as LogMessageParams).message)
    .filter((message) => message.startsWith("impact: analysed "));
}

describe("language server: impact's base revision", function () {
  this.timeout(60_000);
  const server = serverPerTest();

  it("takes the working tree's analysis as HEAD's in a clean checkout, and still sees the edits after", async () => {
    const client = await startCommitted(server);
    await client.initialAnalysis();
    const clean = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(clean.changes, []);
    assert.deepEqual(baseAnalysed(client).length, 1);
    assert.match(baseAnalysed(client)[0]!, /the working tree's analysis \(no file differs\)$/);

    await dropStatus(client);
    const edited = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(
      [edited.changes.map((c) => [c.key, c.change, c.category]), edited.impacted.map((a) => [a.key, a.impact])],
      [[["up", "modified", "breaking"]], [["down", "breaking"]]],
    );
  });

  it("recognises a file HEAD has unchanged by the id git gives its text, multi-byte characters included", async () => {
    const client = await startCommitted(server, (root) => writeFileSync(join(root, "src/naïve.ts"), "// café ✓\n"));
    for (const file of ["src/up.ts", "src/naïve.ts"])
      assert.equal(gitBlobId(client.read(file)), gitIn(client.root, "hash-object", file).trim(), file);
  });

  it("analyses HEAD itself when the working tree differs from it at the first answer", async () => {
    const client = await startCommitted(server);
    await client.initialAnalysis();
    await dropStatus(client);
    const edited = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.deepEqual(
      [edited.changes.map((c) => [c.key, c.change, c.category]), edited.impacted.map((a) => [a.key, a.impact])],
      [[["up", "modified", "breaking"]], [["down", "breaking"]]],
    );
    assert.deepEqual(baseAnalysed(client).length, 1);
    assert.doesNotMatch(baseAnalysed(client)[0]!, /working tree's analysis/);
  });
});
