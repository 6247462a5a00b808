import assert from "node:assert/strict";
import { analyzeFixture, fixtureText, withCode } from "./support/analysis";

describe("analysis: reads and writes", () => {
  const snapshot = analyzeFixture("effects");
  const asset = (key: string) => snapshot.assets.find((candidate) => candidate.key === key)!;
  const resources = (effects: readonly { resource: string }[]) =>
    [...new Set(effects.map((effect) => effect.resource))].sort();

  it("reads file paths from literals, const strings and path.join of those, through fs, fs.promises and fs/promises", () => {
    assert.deepEqual(resources(asset("writes_file").writes), ["file:exports/report.csv", "file:exports/summary.json"]);
    assert.deepEqual(resources(asset("reads_file").reads), ["file:exports/report.csv", "file:exports/summary.json"]);
    const literal = asset("reads_file").reads.find(
      (effect) => fixtureText("effects", effect.location) === '"./exports/report.csv"',
    );
    assert.ok(literal, "the location covers the path argument");
  });

  it("skips paths only known at run time", () => {
    assert.deepEqual(asset("unresolvable").reads, []);
  });

  it("reports an undeclared read of a file another asset writes", () => {
    const undeclared = withCode(snapshot, "AL003");
    assert.equal(undeclared.length, 1);
    assert.deepEqual(undeclared[0]!.data, {
      kind: "undeclaredDependency",
      asset: "reads_undeclared",
      producer: "writes_file",
      resource: "file:exports/report.csv",
    });
  });

  it("reads SQL from const strings, the sql tag and templates, pointing into the string", () => {
    const daily = asset("daily");
    assert.deepEqual(resources(daily.reads), ["table:events"]);
    assert.deepEqual(resources(daily.writes), ["table:daily", "table:daily_log"]);
    for (const effect of daily.reads) assert.equal(fixtureText("effects", effect.location), "events");
    const inConst = daily.reads.find((effect) => effect.location.range.start.line === 2);
    assert.ok(inConst, "the read through the DAILY const points into the const's string");
  });

  it("counts multi-statement SQL writes", () => {
    assert.deepEqual(resources(asset("events").writes), ["table:events"]);
  });
});
