import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storePath } from "../../server/src/store";
import { assetline } from "./support";

const ASSETS = `import { asset, check } from "assetline";

export const huge = asset({}, async (ctx) => {
  ctx.db.exec("drop table if exists huge; create table huge as select 1 as n");
  const circular: Record<string, unknown> = { name: "loop" };
  circular.self = circular;
  let deep: Record<string, unknown> = { bottom: true };
  for (let level = 0; level < 20; level += 1) deep = { deeper: deep };
  return {
    metadata: {
      rows: 1,
      payload: "x".repeat(10 * 1024 * 1024),
      exact: 123456789012345678901234567890n,
      nested: { total: 98765432109876543210n, parts: [1n, 2n] },
      circular,
      deep,
    } as never,
  };
});

export const huge_check = check(huge, { name: "big_result" }, async () => {
  return { passed: true, metadata: { dump: "y".repeat(1024 * 1024) } };
});
`;

interface LogsJson {
  events: Array<{ type: string; level?: string; message?: string; metadata?: Record<string, unknown> }>;
}

describe("cli: metadata is bounded per step and encoded faithfully", function () {
  let dir: string;
  let events: LogsJson["events"];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-metadata-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
    const run = assetline(["materialize", "*", "--dir", dir]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const runId = /Run (\S+):/.exec(run.stdout)![1]!;
    events = (JSON.parse(assetline(["logs", runId, "--dir", dir, "--format", "json"]).stdout) as LogsJson).events;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("caps a 10 MB string and says so in the run", () => {
    const metadata = events.find((event) => event.type === "MATERIALIZATION")!.metadata!;
    assert.equal(metadata.rows, 1);
    assert.ok(
      (metadata.payload as string).length < 20 * 1024,
      `payload kept ${(metadata.payload as string).length} characters`,
    );
    assert.match(metadata.payload as string, /^x+… \[truncated\]$/);
    const notes = events
      .filter((event) => event.type === "LOG" && event.level === "warn")
      .map((event) => event.message!);
    assert.ok(
      notes.some((note) => /metadata\.payload is 10,485,760 characters; kept the first 16,384/.test(note)),
      notes.join("\n"),
    );
    assert.ok(
      notes.some((note) => /metadata\.dump is 1,048,576 characters/.test(note)),
      "the check's metadata too",
    );
    assert.ok(statSync(storePath(dir)).size < 2 * 1024 * 1024, "the history did not take the 10 MB");
  });

  it("keeps BigInt digits exactly, names cycles, and cuts deep nesting with a note", () => {
    const metadata = events.find((event) => event.type === "MATERIALIZATION")!.metadata!;
    assert.equal(metadata.exact, "123456789012345678901234567890");
    assert.equal(metadata.nested, '{"total":98765432109876543210,"parts":[1,2]}');
    assert.equal(metadata.circular, '{"name":"loop","self":"[Circular: metadata.circular]"}');
    assert.match(metadata.deep as string, /"\[Truncated: deeper than 8 levels\]"/);
    assert.doesNotMatch(JSON.stringify(metadata), /\[object Object\]/);
    const notes = events
      .filter((event) => event.type === "LOG" && event.level === "warn")
      .map((event) => event.message!);
    assert.ok(
      notes.some((note) => /metadata\.deep.* is nested deeper than 8 levels/.test(note)),
      notes.join("\n"),
    );
  });
});
