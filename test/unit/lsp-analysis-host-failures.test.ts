import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AnalysisHost } from "../../server/src/lsp/analysisHost";
import { WorkspaceReader } from "../../server/src/lsp/workspaceReader";
import { scratchWorkspace } from "./support/analysis";

const ORDERS = `import { asset } from "assetline";
export const orders = asset({}, (ctx) => ctx.db.exec("create table orders as select 1 as id"));
`;
const REVENUE = `import { asset } from "assetline";
export const revenue = asset({ deps: ["orders"] }, (ctx) => ctx.db.exec("create table revenue as select id from orders"));
`;

/**
 * The workspace as the server reads it, except that reading the files in `failing` throws (a disk
 * or a reader bug the analysis does not expect): the host must keep answering and lose nothing.
 */
class FailingReader extends WorkspaceReader {
  readonly failing = new Set<string>();
  /** Fails every read, listing included (a bug that breaks the link too). */
  everything = false;

  override readFile(file: string): string | undefined {
    if (this.everything || this.failing.has(file)) throw new Error(`reading ${file} failed`);
    return super.readFile(file);
  }
}

function hostOf(reader: WorkspaceReader, log: string[]): AnalysisHost {
  return new AnalysisHost(reader, {
    maxFileBytes: 1_000_000,
    debounceMs: 0,
    startProgress: () => Promise.resolve({ report: () => undefined, done: () => undefined }),
    log: (message) => log.push(message),
    published: () => Promise.resolve(),
  });
}

describe("the server's analysis host when the analysis throws", () => {
  let workspace: ReturnType<typeof scratchWorkspace>;
  let host: AnalysisHost | undefined;

  beforeEach(() => {
    workspace = scratchWorkspace();
    writeFileSync(join(workspace.root, "orders.ts"), ORDERS);
  });

  afterEach(() => {
    host?.dispose();
    host = undefined;
    workspace.dispose();
  });

  it("keeps a changed file whose analysis threw, and analyzes it with the next change", async () => {
    const reader = new FailingReader(workspace.root);
    const log: string[] = [];
    host = hostOf(reader, log);
    await host.start();
    writeFileSync(join(workspace.root, "revenue.ts"), REVENUE);
    reader.relist();
    reader.failing.add("revenue.ts");
    host.changed(["revenue.ts"]);
    const afterFailure = await host.settled();
    assert.deepEqual(
      afterFailure.assets.map((asset) => asset.key),
      ["orders"],
    );
    assert.ok(
      log.some((line) => line.includes("failed") && line.includes("reading revenue.ts failed")),
      log.join("\n"),
    );
    assert.equal(host.hasPendingChanges, false, "a failed file is not pending: requests must not wait on it");

    // Another file changes: the one that failed is analyzed with it (it used to be dropped for good).
    reader.failing.clear();
    writeFileSync(join(workspace.root, "orders.ts"), ORDERS.replace("1 as id", "2 as id"));
    host.changed(["orders.ts"]);
    const next = await host.settled();
    assert.deepEqual(
      next.assets.map((asset) => asset.key),
      ["orders", "revenue"],
    );
  });

  it("publishes and answers when the first analysis throws, and reads the workspace again with the next change", async () => {
    const reader = new FailingReader(workspace.root);
    reader.everything = true;
    const log: string[] = [];
    host = hostOf(reader, log);
    await host.start();
    await host.diagnosticsPublished;
    assert.deepEqual((await host.settled()).assets, []);
    assert.ok(
      log.some((line) => line.startsWith("the analysis failed") && line.includes("reading orders.ts failed")),
      log.join("\n"),
    );

    reader.everything = false;
    writeFileSync(join(workspace.root, "revenue.ts"), REVENUE);
    reader.relist();
    host.changed(["revenue.ts"]);
    assert.deepEqual(
      (await host.settled()).assets.map((asset) => asset.key),
      ["orders", "revenue"],
    );
  });
});
