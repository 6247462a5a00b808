import assert from "node:assert/strict";
import { impactEdgeClasses, impactNodeClasses, impactOverlay, impactSummary } from "../../webview/src/impactOverlay";
import { impactHighlights } from "../../server/src/model/impactDigest";
import { emptyImpact, jaffleImpact } from "./support/impactReport";

describe("webview: the impact overlay on the lineage picture", () => {
  const overlay = impactOverlay(impactHighlights(jaffleImpact()));

  it("colours edited nodes by their change and downstream nodes by their impact, and dims the rest", () => {
    assert.deepEqual(impactNodeClasses("stg_orders", overlay), ["impact-breaking", "impact-edited"]);
    assert.deepEqual(impactNodeClasses("customer_segments", overlay), ["impact-changed", "impact-edited"]);
    assert.deepEqual(impactNodeClasses("orders", overlay), ["impact-breaking"]);
    assert.deepEqual(impactNodeClasses("monthly_revenue", overlay), ["impact-data"]);
    assert.deepEqual(impactNodeClasses("raw_orders", overlay), ["impact-dimmed"]);
  });

  it("keeps edges between impacted nodes in the downstream node's tone and dims the others", () => {
    assert.deepEqual(impactEdgeClasses("stg_orders", "orders", overlay), ["impact-breaking"]);
    assert.deepEqual(impactEdgeClasses("orders", "monthly_revenue", overlay), ["impact-data"]);
    assert.deepEqual(impactEdgeClasses("raw_orders", "stg_orders", overlay), ["impact-dimmed"]);
  });

  it("changes nothing without an overlay, or when nothing changed", () => {
    for (const none of [undefined, impactOverlay(undefined), impactOverlay(impactHighlights(emptyImpact()))]) {
      assert.equal(none, undefined);
      assert.deepEqual(impactNodeClasses("orders", none), []);
      assert.deepEqual(impactEdgeClasses("stg_orders", "orders", none), []);
    }
  });

  it("sums the overlay up for the summary line, and says nothing without one", () => {
    assert.equal(impactSummary(impactHighlights(jaffleImpact())), " · impact: 4 changed, 2 breaking, 2 to rebuild");
    assert.equal(impactSummary([]), "");
  });
});
