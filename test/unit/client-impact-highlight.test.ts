import assert from "node:assert/strict";
import { changedKeys, impactFocus, withImpactKeys } from "../../client/src/impact/highlight";
import { ImpactDigest } from "../../server/src/model/impactDigest";
import type { ImpactReport } from "../../protocol/impact";
import { emptyImpact, jaffleImpact } from "./support/impactReport";

const summaryOf = (report: ImpactReport) => new ImpactDigest(report).summary();

describe("client: how the lineage panel shows an impact summary", () => {
  it("centres on the first breaking change, else the first change, else nothing", () => {
    assert.equal(impactFocus(summaryOf(jaffleImpact())), "customers_clean");
    const report = jaffleImpact();
    assert.equal(impactFocus(summaryOf({ ...report, changes: [report.changes[0]!] })), "customer_segments");
    assert.equal(impactFocus(summaryOf(emptyImpact())), undefined);
  });

  it("adds the changed keys the graph has to the panel's selection, so no scope hides a change", () => {
    const keys = changedKeys(summaryOf(jaffleImpact()));
    // A rename's old key too: a placeholder on the graph while something still names it.
    assert.deepEqual(keys, ["customer_segments", "customers_clean", "stg_customers", "stg_orders"]);
    const known = new Set(["orders", "stg_orders", "customer_segments"]);
    assert.equal(withImpactKeys("2+raw_orders+2", keys, known), "2+raw_orders+2 customer_segments stg_orders");
    // Everything shown already, or no overlay: the selection as it was.
    assert.equal(withImpactKeys("", keys, known), "");
    assert.equal(withImpactKeys("group:marts", [], known), "group:marts");
  });
});
