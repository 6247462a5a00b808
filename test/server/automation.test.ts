import assert from "node:assert/strict";
import { HoverRequest, type MarkupContent } from "vscode-languageserver-protocol";
import { startAnalyzed, type TestClient } from "./support/client";

describe("server: automation in hovers", function () {
  this.timeout(60_000);
  let client: TestClient;
  before(async () => (client = await startAnalyzed("automation")));
  after(async () => client.stop());

  async function hoverAt(file: string, marker: string): Promise<string> {
    const uri = await client.open(file);
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: client.at(file, marker),
    });
    return (hover!.contents as MarkupContent).value;
  }

  it("shows an asset's conditions and when its next materialization is expected", async () => {
    const text = await hoverAt("src/pipeline.ts", "export const |report");
    assert.match(text, /Automation: on-freshness, eager/);
    // Never built: on-freshness makes it due at once.
    assert.match(text, /Next: now — due now: never materialized \(max lag 60 min\)/);
    const cron = await hoverAt("src/pipeline.ts", "export const |stg_events");
    // Markdown: the stars of the cron expression are escaped, not emphasis.
    assert.match(cron, /Automation: cron 0 6 \\\* \\\* \\\*\n/);
    assert.match(cron, /Next: now — due now: cron 0 6 \\\* \\\* \\\* at (\S+ )?06:00, never materialized$/);
  });
});
