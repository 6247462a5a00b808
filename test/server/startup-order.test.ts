import { strict as assert } from "node:assert";
import {
  CodeLensRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
} from "vscode-languageserver-protocol";
import type { LogMessageParams, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { startCommitted } from "./support/impactWorkspace";
import { serverPerTest } from "./support/perTest";

describe("language server: what comes before the first diagnostics", function () {
  this.timeout(60_000);
  const server = serverPerTest();

  it("publishes the first analysis's diagnostics before impact's base revision is analysed", async () => {
    const client = await startCommitted(server);
    // As VS Code does with a document it shows: its lenses are asked for at once, while the first
    // analysis runs, and asking for them is what starts the base revision's analysis.
    const uri = await client.open("src/up.ts");
    const lenses = client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    const logged = (prefix: string) => (n: { method: string; params: unknown }) =>
      n.method === LogMessageNotification.method && (n.params as LogMessageParams).message.startsWith(prefix);
    await client.waitFor("impact's base revision analysed", () =>
      client.notifications.some(logged("impact: analysed")),
    );
    assert.ok((await lenses)?.length, "the document's lenses are answered");

    const order = client.notifications;
    const opened = order.findIndex(
      (n) => n.method === PublishDiagnosticsNotification.method && (n.params as PublishDiagnosticsParams).uri === uri,
    );
    const baseStarted = order.findIndex(logged("impact: analysing HEAD"));
    assert.ok(opened >= 0, "the opened document's diagnostics were published");
    assert.ok(baseStarted >= 0, "the base analysis said when it started");
    assert.ok(
      opened < baseStarted,
      `diagnostics at ${opened}, base analysis started at ${baseStarted}: ${order.map((n) => n.method).join(", ")}`,
    );
  });
});
