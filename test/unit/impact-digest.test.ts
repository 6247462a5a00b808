import assert from "node:assert/strict";
import type { ImpactReport } from "../../protocol/impact";
import { parseImpactHighlights } from "../../protocol/impactHighlight";
import { ImpactDigest, impactHighlights, SUMMARY_OWNERS, SUMMARY_WHY } from "../../server/src/model/impactDigest";
import { emptyImpact, jaffleImpact } from "./support/impactReport";

describe("model: what the editor's impact views read of a report", () => {
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

  it("summarises in counts: each touched asset once by its strongest tone, impacted by kind", () => {
    const summary = new ImpactDigest(jaffleImpact()).summary();
    assert.deepEqual(summary.counts, { breaking: 5, data: 2, other: 1 });
    assert.deepEqual(summary.impacted, { total: 4, breaking: 2, data: 2 });
    assert.deepEqual(summary.base, jaffleImpact().base);
    assert.deepEqual(summary.checks, jaffleImpact().checks);
    assert.deepEqual(summary.owners, {
      total: 4,
      first: ["ana@example.com", "team:analytics", "team:finance", "team:marketing"],
    });
  });

  it("counts under each change what its tree item lists, a rename's consumers through its old key included", () => {
    const summary = new ImpactDigest(jaffleImpact()).summary();
    assert.deepEqual(
      summary.changes.map((change) => [change.key, change.downstream]),
      [
        ["customer_segments", { breaking: 0, data: 0 }],
        ["customers_clean", { breaking: 1, data: 1 }],
        ["stg_orders", { breaking: 1, data: 2 }],
      ],
    );
  });

  it("stays the same size however many assets are impacted", () => {
    const report = jaffleImpact();
    const many = (n: number): ImpactReport => ({
      ...report,
      impacted: Array.from({ length: n }, (_, i) => ({
        key: `consumer_${String(i).padStart(6, "0")}`,
        impact: "data" as const,
        distance: 1,
        because: [{ key: "stg_orders", why: "reads stg_orders" }],
        owners: [`team:${String(i).padStart(6, "0")}`],
        checks: [],
      })),
      owners: Array.from({ length: n }, (_, i) => `team:${String(i).padStart(6, "0")}`),
    });
    const small = JSON.stringify(new ImpactDigest(many(1_000)).summary()).length;
    const large = new ImpactDigest(many(20_000)).summary();
    assert.equal(large.impacted.total, 20_000);
    assert.equal(large.owners.total, 20_000);
    assert.equal(large.owners.first.length, SUMMARY_OWNERS);
    // Only the digits of the counts grow.
    assert.ok(JSON.stringify(large).length - small < 50, `${JSON.stringify(large).length} vs ${small}`);
  });

  it("cuts a change's why that names many consumers, and keeps it whole in the change's pages", () => {
    const report = jaffleImpact();
    const why = `removes status: ${Array.from({ length: 200 }, (_, i) => `consumer_${i} uses column stg_orders.status`).join("; ")}`;
    const changes = report.changes.map((change) => (change.key === "stg_orders" ? { ...change, why } : change));
    const digest = new ImpactDigest({ ...report, changes });
    const short = digest.summary().changes.find((change) => change.key === "stg_orders")!.why;
    assert.ok(short.length <= SUMMARY_WHY, String(short.length));
    assert.ok(short.endsWith("…") && why.startsWith(short.slice(0, -1)), short);
    assert.equal(digest.downstream("stg_orders")!.change.why, why);
  });

  it("pages a change's downstream: breaking first, then by hops from that change, then by key", () => {
    const digest = new ImpactDigest(jaffleImpact());
    const all = digest.downstream("stg_orders")!;
    assert.equal(all.total, 3);
    assert.deepEqual(
      all.entries.map((entry) => [entry.asset.key, entry.hops]),
      [
        ["orders", 1],
        ["monthly_revenue", 2],
        ["customer_ltv", 3],
      ],
    );
    const second = digest.downstream("stg_orders", 1, 1)!;
    assert.deepEqual(
      [second.offset, second.total, second.entries.map((entry) => entry.asset.key)],
      [1, 3, ["monthly_revenue"]],
    );
    assert.deepEqual(digest.downstream("stg_orders", 10, 5)!.entries, []);
    // Nearer through the rename's consumer than through stg_orders' chain.
    assert.deepEqual(
      digest.downstream("customers_clean")!.entries.map((entry) => [entry.asset.key, entry.hops]),
      [
        ["customers", 1],
        ["customer_ltv", 2],
      ],
    );
    assert.equal(digest.downstream("customer_segments")!.total, 0);
    assert.equal(digest.downstream("orders"), undefined, "orders is impacted, not changed");
  });

  it("pages the owners, sorted as the report has them", () => {
    const digest = new ImpactDigest(jaffleImpact());
    assert.deepEqual(digest.owners(1, 2), {
      base: jaffleImpact().base,
      total: 4,
      offset: 1,
      owners: ["team:analytics", "team:finance"],
    });
    assert.deepEqual(new ImpactDigest(emptyImpact()).owners().owners, []);
  });

  it("answers the overlay for the keys asked only, sorted, ignoring keys nothing touches", () => {
    const digest = new ImpactDigest(jaffleImpact());
    assert.deepEqual(digest.highlights(["stg_orders", "raw_orders", "customer_ltv", "stg_orders"]), [
      { key: "customer_ltv", tone: "data", changed: false },
      { key: "stg_orders", tone: "breaking", changed: true },
    ]);
    assert.deepEqual(digest.highlights([]), []);
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

  it("lends its walk's counts to the next report's digest of the same walk, and only then", () => {
    const report = jaffleImpact();
    const walk = {};
    const first = new ImpactDigest(report, walk);
    first.summary();
    // The next keystroke: the same walk, customer_segments' change now breaking.
    const changes = report.changes.map((change) =>
      change.key === "customer_segments" ? { ...change, category: "breaking" as const } : change,
    );
    const next = new ImpactDigest({ ...report, changes }, walk, first);
    assert.deepEqual(next.summary(), new ImpactDigest({ ...report, changes }).summary());
    assert.equal(next.summary().counts.other, 0);
    // Other changes, or another walk: counted afresh.
    const fewer = { ...report, changes: report.changes.slice(1) };
    assert.deepEqual(new ImpactDigest(fewer, walk, first).summary(), new ImpactDigest(fewer).summary());
    const none = { ...emptyImpact(), changes: report.changes };
    assert.deepEqual(new ImpactDigest(none, {}, first).summary().impacted, { total: 0, breaking: 0, data: 0 });
  });
});
