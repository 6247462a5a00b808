import assert from "node:assert/strict";
import { impactFocus, impactHighlights, withImpactKeys } from "../../client/src/impact/highlight";
import { parseImpactHighlights } from "../../protocol/impactHighlight";
import { emptyImpact, jaffleImpact } from "./support/impactReport";

describe("client: the lineage overlay of an impact report", () => {
  it("marks changes by category and impacted assets by impact, sorted by key", () => {
    assert.deepEqual(impactHighlights(jaffleImpact()), [
      { key: "customer_ltv", tone: "data", changed: false },
      { key: "customer_segments", tone: "changed", changed: true },
      { key: "customers", tone: "breaking", changed: false },
      { key: "customers_clean", tone: "breaking", changed: true },
      { key: "monthly_revenue", tone: "data", changed: false },
      { key: "orders", tone: "breaking", changed: false },
      // The old key of the rename: a placeholder on the graph while customers still names it.
      { key: "stg_customers", tone: "breaking", changed: true },
      { key: "stg_orders", tone: "breaking", changed: true },
    ]);
  });

  it("treats a change that could not be judged as a warning, never as nothing", () => {
    const report = jaffleImpact();
    const unknown = { ...report.changes[2]!, category: "unknown" as const };
    const highlights = impactHighlights({ ...report, changes: [unknown], impacted: [] });
    assert.deepEqual(highlights, [{ key: "stg_orders", tone: "data", changed: true }]);
  });

  it("keeps the strongest tone when a key is both changed and impacted", () => {
    const report = jaffleImpact();
    const metadataOnly = { ...report.changes[0]!, key: "orders" };
    const highlights = impactHighlights({ ...report, changes: [metadataOnly], impacted: [report.impacted[1]!] });
    assert.deepEqual(highlights, [{ key: "orders", tone: "breaking", changed: true }]);
  });

  it("centres on the first breaking change, else the first change, else nothing", () => {
    assert.equal(impactFocus(jaffleImpact()), "customers_clean");
    const report = jaffleImpact();
    assert.equal(impactFocus({ ...report, changes: [report.changes[0]!] }), "customer_segments");
    assert.equal(impactFocus(emptyImpact()), undefined);
  });

  it("round-trips through the webview's validation, which rejects anything else", () => {
    const highlights = impactHighlights(jaffleImpact());
    assert.deepEqual(parseImpactHighlights(JSON.parse(JSON.stringify(highlights))), highlights);
    assert.deepEqual(parseImpactHighlights([]), []);
    assert.equal(parseImpactHighlights(undefined), undefined);
    assert.equal(parseImpactHighlights([{ key: "a", tone: "fatal", changed: true }]), undefined);
    assert.equal(parseImpactHighlights([{ key: "", tone: "data", changed: false }]), undefined);
    assert.equal(parseImpactHighlights([{ key: "a", tone: "data" }]), undefined);
    assert.equal(parseImpactHighlights([{ key: "a", tone: "data", changed: false }, null]), undefined);
  });

  it("adds the highlighted keys the graph has to the panel's selection, so no scope hides them", () => {
    const highlights = impactHighlights(jaffleImpact());
    const known = new Set(["orders", "stg_orders", "monthly_revenue", "customers"]);
    assert.equal(
      withImpactKeys("2+raw_orders+2", highlights, known),
      "2+raw_orders+2 customers monthly_revenue orders stg_orders",
    );
    // Everything shown already, or no overlay: the selection as it was.
    assert.equal(withImpactKeys("", highlights, known), "");
    assert.equal(withImpactKeys("group:marts", [], known), "group:marts");
  });
});
