import { strict as assert } from "node:assert";
import { LSPErrorCodes, ResponseError } from "vscode-languageserver-protocol";
import { MaterializeRequest } from "../../protocol";
import { TestClient } from "./support/client";

describe("language server: workspace trust fails closed", function () {
  this.timeout(60_000);

  async function materializeWith(initializationOptions: unknown): Promise<unknown> {
    const { client } = await TestClient.start("lsp-runs", { initializationOptions });
    try {
      return await client.connection.sendRequest(MaterializeRequest.type, { selection: "numbers" }).then(
        (started) => started,
        (error: unknown) => error,
      );
    } finally {
      await client.stop();
    }
  }

  for (const value of [false, "false", 0, null, "true"]) {
    it(`workspaceTrusted: ${JSON.stringify(value)} is untrusted: nothing runs`, async () => {
      const answer = await materializeWith({ workspaceTrusted: value });
      assert.ok(answer instanceof ResponseError, `refused, got ${JSON.stringify(answer)}`);
      assert.equal(answer.code, LSPErrorCodes.RequestFailed);
      assert.match(answer.message, /not trusted/);
    });
  }

  it("workspaceTrusted absent (a client with no trust model, e.g. Neovim) and true are trusted", async () => {
    for (const options of [undefined, {}, { workspaceTrusted: true }]) {
      const answer = (await materializeWith(options)) as { runId?: string };
      assert.equal(typeof answer.runId, "string", `a run started for ${JSON.stringify(options)}: ${String(answer)}`);
    }
  });
});
