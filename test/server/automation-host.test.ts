import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  LogMessageNotification,
  ShowMessageNotification,
  ShutdownRequest,
  type LogMessageParams,
  type ShowMessageParams,
} from "vscode-languageserver-protocol";
import { AssetDetailsRequest, MaterializeRequest, StatusRequest } from "../../protocol";
import { EventStore, storePath } from "../../server/src/store";
import { assetline, CLI } from "../cli/support";
import { TestClient } from "./support/client";

const ON = { automation: { enabled: true, tickSeconds: 0.2 } };
const TRUSTED = { workspaceTrusted: true };

function messages(client: TestClient, method: string): string[] {
  return client.notifications
    .filter((notification) => notification.method === method)
    .map((notification) => (notification.params as LogMessageParams | ShowMessageParams).message);
}
const logged = (client: TestClient, pattern: RegExp) =>
  messages(client, LogMessageNotification.method).find((m) => pattern.test(m));
const warned = (client: TestClient) => messages(client, ShowMessageNotification.method);

/** The workspace's automation owner as the history records it (undefined: nobody holds the loop). */
function owner(root: string) {
  if (!existsSync(storePath(root))) return undefined;
  const store = EventStore.open(storePath(root), { readonly: true });
  try {
    return store.automationOwner();
  } finally {
    store.close();
  }
}

async function started(client: TestClient): Promise<void> {
  await client.waitFor("the server's loop to start", () => logged(client, /^automation: started/) !== undefined);
}

describe("language server: the automation loop hosted in the editor", function () {
  this.timeout(90_000);
  let client: TestClient | undefined;
  afterEach(() => client?.kill());

  it("with the setting on in a trusted workspace, an eager downstream follows an upstream run", async () => {
    ({ client } = await TestClient.start("lsp-automation", { settings: ON, initializationOptions: TRUSTED }));
    const c = client;
    await started(c);
    assert.equal(owner(c.root)?.pid, c.process.pid, "the server holds the workspace's loop");
    assert.equal(owner(c.root)?.hostKind, "editor");
    await c.initialAnalysis();
    const run = await c.connection.sendRequest(MaterializeRequest.type, { selection: "upstream" });
    await c.runFinished(run.runId);
    // The fact: the loop's own run of downstream, announced in the log once it has ended.
    await c.waitFor("the loop to build downstream", () => logged(c, /^automation: run \S+ success$/) !== undefined);
    assert.ok(logged(c, /^automation: run \S+: downstream$/), "the loop's run built downstream alone");
    assert.equal(readFileSync(join(c.root, "runs.log"), "utf8"), "upstream\ndownstream\n");
    const store = EventStore.open(storePath(c.root), { readonly: true });
    try {
      const up = store.latestMaterialization("upstream")!;
      assert.equal(store.latestMaterialization("downstream")!.consumed.upstream, up.eventId);
      const [decision] = store.automationDecisions();
      assert.equal(decision!.assetKey, "downstream");
      assert.match(decision!.reason, /^upstream upstream materialized at \d\d:\d\d$/);
      assert.equal(store.getRun(decision!.runId!)!.launchedBy, "editor");
    } finally {
      store.close();
    }
    // When will it be ready again: downstream follows upstream, which nothing automates.
    const details = await c.connection.sendRequest(AssetDetailsRequest.type, { key: "downstream" });
    const [status] = await c.connection.sendRequest(StatusRequest.type, { keys: ["downstream"] });
    assert.deepEqual(status!.next, details!.next);
    assert.equal(details!.next!.expectedAt, undefined);
    assert.equal(details!.next!.basis, "no automation condition will materialize it");
    assert.equal(typeof details!.next!.durationP50Ms, "number", "timed by its one run");
    assert.equal(details!.next!.willBeOverdue, undefined, "no freshness policy");
    // Shutdown stops the loop and gives the claim up before the server answers.
    await c.connection.sendRequest(ShutdownRequest.type);
    assert.equal(owner(c.root), undefined);
  });

  for (const trust of [false, "true", null]) {
    it(`workspaceTrusted: ${JSON.stringify(trust)} runs no loop, and says why in one warning`, async () => {
      ({ client } = await TestClient.start("lsp-automation", {
        settings: ON,
        initializationOptions: { workspaceTrusted: trust },
      }));
      const c = client;
      await c.waitFor("the refusal", () => warned(c).length > 0);
      assert.ok(logged(c, /^automation: not started: Assetline automation is off: this workspace is not trusted/));
      assert.deepEqual(warned(c), [
        "Assetline automation is off: this workspace is not trusted, and automation runs its code; trust the workspace to turn it on",
      ]);
      assert.equal(owner(c.root), undefined);
      assert.ok(!existsSync(storePath(c.root)), "no history is even created");
    });
  }

  it("while the server holds the loop, `assetline automate` refuses naming it; turned off, the CLI may start", async () => {
    ({ client } = await TestClient.start("lsp-automation", { settings: ON, initializationOptions: TRUSTED }));
    const c = client;
    await started(c);
    const refused = assetline(["automate", "--dir", c.root, "--once"]);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      new RegExp(
        `^assetline: automation already runs for this workspace in the editor's language server \\(pid ${c.process.pid} on `,
      ),
    );
    assert.equal(refused.stderr.split("\n").length, 2, "one line");

    await c.configure({ automation: { enabled: false, tickSeconds: 0.2 } });
    await c.waitFor("the loop to stop", () => logged(c, /^automation: stopped/) !== undefined);
    assert.equal(owner(c.root), undefined);
    const cli = assetline(["automate", "--dir", c.root, "--once"]);
    assert.equal(cli.status, 0, cli.stderr);
  });

  it("while `assetline automate` holds the loop, the server warns once and everything else works", async () => {
    ({ client } = await TestClient.start("lsp-automation", { initializationOptions: TRUSTED }));
    const c = client;
    await c.initialAnalysis();
    const cli = spawn(process.execPath, [CLI, "automate", "--dir", c.root, "--tick", "0.2"], { stdio: "ignore" });
    try {
      // The CLI's claim is a row in the history: wait for it.
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 30_000;
        const claimed = () => {
          try {
            return owner(c.root)?.pid === cli.pid;
          } catch {
            return false; // the CLI is still creating the history
          }
        };
        const probe = () => {
          if (claimed()) resolve();
          else if (Date.now() > deadline) reject(new Error("the CLI never claimed the loop"));
          else setTimeout(probe, 25);
        };
        probe();
      });
      await c.configure(ON);
      await c.waitFor("the warning", () => warned(c).length > 0);
      const [warning, ...more] = warned(c);
      assert.match(
        warning!,
        new RegExp(
          `^Assetline automation is not started here: automation already runs for this workspace in \`assetline automate\` \\(pid ${cli.pid} on `,
        ),
      );
      assert.deepEqual(more, []);
      assert.equal(owner(c.root)?.pid, cli.pid, "the CLI keeps the loop");
      // The rest of the server is unaffected: runs from the editor still go.
      const run = await c.connection.sendRequest(MaterializeRequest.type, { selection: "upstream" });
      assert.equal((await c.runFinished(run.runId)).status, "SUCCESS");
    } finally {
      cli.kill("SIGTERM");
      await new Promise((resolve) => cli.once("exit", resolve));
    }
  });
});
