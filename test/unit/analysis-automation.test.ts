import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDirectory } from "../../server/src/analysis";
import { analyzeFixture, scratchWorkspace, textAt } from "./support/analysis";

describe("analysis: automation conditions", () => {
  it("reads eager, on-freshness, cron (with time zone and force) and lists of them", () => {
    const snapshot = analyzeFixture("automation");
    const automation = (key: string) => snapshot.assets.find((asset) => asset.key === key)!.automation;
    assert.deepEqual(automation("stg_events"), [{ kind: "cron", cron: "0 6 * * *", timezone: "UTC", force: false }]);
    assert.deepEqual(automation("daily_counts"), [{ kind: "eager" }]);
    assert.deepEqual(automation("report"), [{ kind: "on-freshness" }, { kind: "eager" }]);
    assert.deepEqual(automation("raw_events"), []);
    assert.deepEqual(
      snapshot.diagnostics.map((d) => d.code),
      [],
    );
  });

  function analyzeSource(text: string) {
    const workspace = scratchWorkspace();
    try {
      mkdirSync(join(workspace.root, "src"));
      writeFileSync(join(workspace.root, "src", "a.ts"), text);
      const snapshot = analyzeDirectory(workspace.root);
      return {
        snapshot,
        problems: snapshot.diagnostics.map((d) => ({
          code: d.code,
          severity: d.severity,
          text: textAt(workspace.root, d.location),
          message: d.message,
        })),
      };
    } finally {
      workspace.dispose();
    }
  }

  it("reports a condition that is not static as AL006, saying what to write", () => {
    const { snapshot, problems } = analyzeSource(`import { asset } from "assetline";
const mode = process.env.MODE as "eager";
export const a = asset({ automation: mode }, () => {});
export const b = asset({ automation: [{ cron: process.env.CRON! }, "eager"] }, () => {});
`);
    assert.deepEqual(
      problems.map((p) => [p.code, p.text]),
      [
        ["AL006", "mode"],
        ["AL006", "process.env.CRON"],
      ],
    );
    assert.match(problems[0]!.message, /only known when the code runs; write `"eager"`/);
    // What could be read is kept.
    assert.deepEqual(snapshot.assets.find((asset) => asset.key === "b")!.automation, [{ kind: "eager" }]);
  });

  it("reports a cron expression, time zone or word that cannot work as AL010, naming it, and ignores that condition", () => {
    const { snapshot, problems } = analyzeSource(`import { asset } from "assetline";
export const a = asset({ automation: [{ cron: "61 * * * *" }, "eager"] }, () => {});
export const b = asset({ automation: { cron: "0 6 * * *", timezone: "Mars/Olympus" } }, () => {});
export const c = asset({ automation: "hourly" }, () => {});
export const d = asset({ automation: { cron: "0 6 * *" } }, () => {});
export const e = asset({ automation: "on-freshness" }, () => {});
`);
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, p.text]),
      [
        ["AL010", "warning", '{ cron: "61 * * * *" }'],
        ["AL010", "warning", '{ cron: "0 6 * * *", timezone: "Mars/Olympus" }'],
        ["AL010", "warning", '"hourly"'],
        ["AL010", "warning", '{ cron: "0 6 * *" }'],
        ["AL010", "warning", 'automation: "on-freshness"'],
      ],
    );
    assert.match(problems[0]!.message, /the cron expression "61 \* \* \* \*" is not valid/);
    assert.match(problems[1]!.message, /the time zone "Mars\/Olympus" is not known/);
    assert.match(problems[2]!.message, /"hourly" is not an automation condition/);
    assert.match(problems[3]!.message, /has 4 fields; write five/);
    assert.match(problems[4]!.message, /"on-freshness" needs a freshness policy/);
    const automation = (key: string) => snapshot.assets.find((asset) => asset.key === key)!.automation;
    assert.deepEqual(automation("a"), [{ kind: "eager" }]);
    assert.deepEqual(automation("b"), []);
    assert.deepEqual(automation("e"), []);
  });
});
