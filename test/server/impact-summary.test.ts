/**
 * The editor's impact requests over stdio: a summary whose size does not grow with the impact,
 * each change's downstream a page at a time, the overlay of the keys a graph draws, and the
 * notice that the impact changed, sent once a burst of edits pauses.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ResponseError } from "vscode-languageserver-protocol";
import {
  ImpactChangedNotification,
  ImpactDownstreamRequest,
  ImpactHighlightsRequest,
  ImpactOwnersRequest,
  ImpactRequest,
  ImpactSummaryRequest,
  LineageRequest,
} from "../../protocol";
import { positionOf } from "./support/edits";
import { dropStatus, startCommitted } from "./support/impactWorkspace";
import { serverPerTest } from "./support/perTest";

const CONSUMERS = 7;

/** Consumers c0…c6 of `up`'s status beside the lsp-impact fixture's, each with its own owner. */
function withConsumers(root: string): void {
  for (let i = 0; i < CONSUMERS; i++) {
    writeFileSync(
      join(root, "src", `c${i}.ts`),
      `import { asset } from "assetline";\nimport { up } from "./up";\n\n` +
        `export const c${i} = asset({ deps: [up], owners: ["team:c${i}"] }, async (ctx) => {\n` +
        `  ctx.db.exec("create table c${i} as select u.status from up u");\n});\n`,
    );
  }
}

function oneLineError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ResponseError, String(error));
    assert.match(error.message, pattern);
    assert.equal(error.message.split("\n").length, 1, error.message);
    return true;
  };
}

describe("language server: the impact summary and its pages", function () {
  this.timeout(60_000);
  const server = serverPerTest();

  it("answers a summary in counts, consistent with the full report", async () => {
    const client = await startCommitted(server, withConsumers);
    const clean = await client.connection.sendRequest(ImpactSummaryRequest.type, {});
    assert.deepEqual(
      [clean.changes, clean.impacted, clean.counts],
      [[], { total: 0, breaking: 0, data: 0 }, { breaking: 0, data: 0, other: 0 }],
    );
    await dropStatus(client);

    const summary = await client.connection.sendRequest(ImpactSummaryRequest.type, {});
    assert.deepEqual(
      summary.changes.map((change) => [change.key, change.change, change.category, change.downstream]),
      [["up", "modified", "breaking", { breaking: CONSUMERS + 1, data: 0 }]],
    );
    assert.deepEqual(summary.impacted, { total: CONSUMERS + 1, breaking: CONSUMERS + 1, data: 0 });
    assert.deepEqual(summary.counts, { breaking: CONSUMERS + 2, data: 0, other: 0 });
    assert.equal(summary.owners.total, CONSUMERS + 2);
    assert.ok(!("impacted" in summary.changes[0]!), "no impacted asset rides along with the summary");

    const full = await client.connection.sendRequest(ImpactRequest.type, {});
    assert.equal(full.impacted.length, summary.impacted.total);
    assert.deepEqual(summary.owners.first, full.owners);
    assert.equal(summary.base.commit, full.base.commit);
  });

  it("pages a change's downstream and the owners, and refuses a change it does not have in one line", async () => {
    const client = await startCommitted(server, withConsumers);
    await dropStatus(client);
    const first = await client.connection.sendRequest(ImpactDownstreamRequest.type, { change: "up", limit: 3 });
    assert.equal(first.change.key, "up");
    assert.deepEqual(
      [first.total, first.offset, first.entries.map((entry) => [entry.asset.key, entry.asset.impact, entry.hops])],
      [
        CONSUMERS + 1,
        0,
        [
          ["c0", "breaking", 1],
          ["c1", "breaking", 1],
          ["c2", "breaking", 1],
        ],
      ],
    );
    const last = await client.connection.sendRequest(ImpactDownstreamRequest.type, {
      change: "up",
      offset: 6,
      limit: 3,
    });
    assert.deepEqual(
      last.entries.map((entry) => entry.asset.key),
      ["c6", "down"],
    );
    assert.deepEqual(last.entries[1]!.asset.owners, ["team:finance"]);
    const everything = await client.connection.sendRequest(ImpactDownstreamRequest.type, { change: "up" });
    assert.equal(everything.entries.length, CONSUMERS + 1, "the default page holds them all");

    const owners = await client.connection.sendRequest(ImpactOwnersRequest.type, { offset: 1, limit: 2 });
    assert.deepEqual([owners.total, owners.owners], [CONSUMERS + 2, ["team:c0", "team:c1"]]);

    // down is impacted, not changed: asking for its downstream is the caller's mistake, said in one line.
    await assert.rejects(
      client.connection.sendRequest(ImpactDownstreamRequest.type, { change: "down" }),
      oneLineError(/^down is not changed against HEAD: .*ask for the summary again$/),
    );
    await assert.rejects(
      client.connection.sendRequest(ImpactDownstreamRequest.type, { change: "up", limit: -1 } as never),
      oneLineError(/limit must be a non-negative integer/),
    );
  });

  it("answers the overlay for the keys asked only", async () => {
    const client = await startCommitted(server, withConsumers);
    await dropStatus(client);
    const highlights = await client.connection.sendRequest(ImpactHighlightsRequest.type, {
      keys: ["down", "up", "no_such_asset"],
    });
    assert.deepEqual(highlights, [
      { key: "down", tone: "breaking", changed: false },
      { key: "up", tone: "breaking", changed: true },
    ]);
    await assert.rejects(
      client.connection.sendRequest(ImpactHighlightsRequest.type, { keys: "up" } as never),
      oneLineError(/keys must be an array/),
    );
  });

  it("tells views the impact changed once a burst of edits pauses, with the version of its last edit", async () => {
    const client = await startCommitted(server, withConsumers);
    const file = "src/up.ts";
    await client.open(file);
    // The first answer analyses the base; from then on every analysis may change the impact.
    await client.connection.sendRequest(ImpactSummaryRequest.type, {});
    const notices = () => client.notifications.filter((n) => n.method === ImpactChangedNotification.method);
    const before = notices().length;
    const end = positionOf(client.read(file), "10 as amount", "10 as amount".length);
    const typed = "+ 1 + 2 + 3 + 4 + 5 + 6";
    for (let i = 0; i < typed.length; i++) {
      const at = { line: end.line, character: end.character + i };
      await client.edit(file, { range: { start: at, end: at }, text: typed[i]! });
    }
    await client.waitFor("an impactChanged notification after the burst", () => notices().length > before);
    const { version } = await client.connection.sendRequest(LineageRequest.type, {});
    const first = notices()[before]!.params as { version: number };
    assert.equal(first.version, version, "the first notice after the burst is for its last edit");
    const summary = await client.connection.sendRequest(ImpactSummaryRequest.type, {});
    assert.deepEqual(
      summary.changes.map((change) => [change.key, change.reasons]),
      [["up", ["code"]]],
    );
  });
});
