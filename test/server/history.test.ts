import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeDirectory } from "../../server/src/analysis";
import { EventStore, storePath } from "../../server/src/store";
import { MaterializeRequest, StatusChangedNotification, StatusRequest } from "../../protocol";
import { REPO_ROOT } from "./support/client";
import { RawServer } from "./support/rawServer";

const IS_ROOT = typeof process.getuid === "function" && process.getuid() === 0;

interface Status {
  readonly key: string;
  readonly state: string;
  readonly reason: string;
}

describe("language server: run history it cannot write, cannot read, or whose runs were killed", function () {
  this.timeout(60_000);
  let root: string;
  let server: RawServer | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "assetline-lsp-history-"));
    chmodSync(root, 0o755);
    cpSync(join(REPO_ROOT, "test", "fixtures", "lsp-runs"), root, { recursive: true });
  });
  afterEach(() => {
    server?.kill();
    server = undefined;
    chmodSync(join(root, ".assetline"), 0o755);
    rmSync(root, { recursive: true, force: true });
  });

  async function statusOf(key: string): Promise<Status> {
    const response = await server!.response(server!.request(StatusRequest.method, { keys: [key] }));
    const [status] = response.result as Status[];
    assert.ok(status, JSON.stringify(response));
    return status;
  }

  /** A history with one successful materialization of `numbers` at its current code version. */
  function materialized(): void {
    const codeVersion = analyzeDirectory(root).assets.find((asset) => asset.key === "numbers")!.codeVersion;
    const store = EventStore.open(storePath(root));
    const run = store.createRun({ selection: "numbers", launchedBy: "cli" });
    store.appendEvents(run.id, [{ type: "MATERIALIZATION", assetKey: "numbers", codeVersion }]);
    store.finishRun(run.id, "SUCCESS");
    store.close();
  }

  /** Waits until the server has read the history (or found it unreadable) and said so. */
  async function historyRead(after = 0): Promise<void> {
    await server!.waitFor("a status change", () =>
      server!.received.filter((message) => message.method === StatusChangedNotification.method).length > after
        ? true
        : undefined,
    );
  }

  it("names the file when the history is not a database, and keeps serving", async () => {
    materialized();
    writeFileSync(storePath(root), "not a database at all\n".repeat(100));
    server = RawServer.start(root);
    await server.initialize(root);
    await historyRead();
    const status = await statusOf("numbers");
    assert.equal(status.state, "unknown");
    assert.ok(status.reason.includes(storePath(root)), status.reason);
    assert.match(status.reason, /is not a readable Assetline run history \(file is not a database\); move it aside/);
    const refused = await server.response(server.request(MaterializeRequest.method, { selection: "numbers" }));
    assert.ok(refused.error?.message.includes(storePath(root)), JSON.stringify(refused));
    assert.notEqual(refused.error?.code, -32603, "a problem with the file, not an internal error");
  });

  it("reads a history in a folder it cannot write (as nobody), and says which folder when asked to run", async function () {
    if (!IS_ROOT) this.skip(); // setpriv needs root; a non-root run would need a second user to own the folder
    materialized();
    chmodSync(join(root, ".assetline"), 0o555);
    server = RawServer.start(root, { asNobody: true });
    await server.initialize(root);
    await historyRead();
    const status = await statusOf("numbers");
    assert.equal(status.state, "fresh", JSON.stringify(status));
    const refused = await server.response(server.request(MaterializeRequest.method, { selection: "numbers" }));
    assert.match(
      refused.error?.message ?? "",
      /cannot write the run history .*assetline\.db: permission denied on the folder/,
    );
  });

  it("shows a run whose process died as failed, without anything writing to the history", async () => {
    const owner: ChildProcess = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const store = EventStore.open(storePath(root));
    const run = store.createRun({ selection: "numbers", launchedBy: "cli", pid: owner.pid });
    const [started] = store.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey: "numbers" }]);
    store.close();
    server = RawServer.start(root);
    await server.initialize(root);
    await historyRead();
    assert.notEqual((await statusOf("numbers")).state, "failed", "running while its owner runs");
    const seen = server.received.filter((message) => message.method === StatusChangedNotification.method).length;
    // Reaped (exit event), so the pid is really gone rather than a zombie of this process.
    await new Promise((resolve) => owner.once("exit", resolve).kill("SIGKILL"));
    await historyRead(seen);
    const status = await statusOf("numbers");
    assert.equal(status.state, "failed");
    assert.match(status.reason, new RegExp(`run abandoned: process ${owner.pid} exited before this step finished`));
    const reopened = EventStore.open(storePath(root), { readonly: true });
    assert.equal(reopened.lastEventId(), started, "nothing was written");
    reopened.close();
  });
});
