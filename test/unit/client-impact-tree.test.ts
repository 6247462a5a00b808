import assert from "node:assert/strict";
import { type ImpactTreeItem, impactBase, impactSummary, impactTree } from "../../client/src/impact/tree";
import { emptyImpact, jaffleImpact } from "./support/impactReport";

function find(items: readonly ImpactTreeItem[], id: string): ImpactTreeItem {
  const item = items.find((candidate) => candidate.id === id);
  assert.ok(item, `no item ${id} among ${items.map((candidate) => candidate.id).join(", ")}`);
  return item;
}

describe("client: the impact view's tree", () => {
  it("lists breaking changes first, then the rest by key, then the owners to tell", () => {
    const roots = impactTree(jaffleImpact());
    assert.deepEqual(
      roots.map((item) => item.label),
      ["customers_clean", "stg_orders", "customer_segments", "Owners to tell"],
    );
  });

  it("says what changed, its category, reasons and reach, and opens the definition", () => {
    const item = find(impactTree(jaffleImpact()), "change:stg_orders");
    assert.equal(item.description, "modified · breaking · code · 3 downstream");
    assert.deepEqual(item.open, { file: "src/staging/stg_orders.ts", line: 4 });
    assert.deepEqual(item.icon, { id: "diff-modified", color: "list.errorForeground" });
    assert.match(item.tooltip, /orders reads it/);
    assert.match(item.tooltip, /columns removed: status/);
    assert.match(item.tooltip, /columns added: order_status/);
  });

  it("names the old key of a rename", () => {
    const item = find(impactTree(jaffleImpact()), "change:customers_clean");
    assert.equal(item.description, "renamed from stg_customers · breaking · 2 downstream");
    assert.equal(item.icon.id, "diff-renamed");
  });

  it("puts under each change every asset downstream of it, breaking first, with hops from that change", () => {
    const roots = impactTree(jaffleImpact());
    const underOrders = find(roots, "change:stg_orders").children;
    assert.deepEqual(
      underOrders.map((item) => [item.label, item.description]),
      [
        ["orders", "breaking · direct"],
        ["monthly_revenue", "data · 2 hops"],
        ["customer_ltv", "data · 3 hops · no owners"],
      ],
    );
    // The same asset under the rename is nearer: through customers, not monthly_revenue.
    const underRename = find(roots, "change:customers_clean").children;
    assert.deepEqual(
      underRename.map((item) => [item.label, item.description]),
      [
        ["customers", "breaking · direct"],
        ["customer_ltv", "data · 2 hops · no owners"],
      ],
    );
  });

  it("colours what will fail as an error and what must be rebuilt as a warning, and explains why", () => {
    const underOrders = find(impactTree(jaffleImpact()), "change:stg_orders").children;
    const orders = find(underOrders, "change:stg_orders/impacted:orders");
    assert.deepEqual(orders.icon, { id: "error", color: "list.errorForeground" });
    assert.match(orders.tooltip, /^breaking: it will fail\nstg_orders: reads o\.status/);
    const revenue = find(underOrders, "change:stg_orders/impacted:monthly_revenue");
    assert.deepEqual(revenue.icon, { id: "refresh", color: "list.warningForeground" });
    assert.deepEqual(revenue.open, { file: "src/marts/monthly_revenue.ts", line: 3 });
  });

  it("gives an impacted asset its owners as children, each opening what they own", () => {
    const orders = find(
      find(impactTree(jaffleImpact()), "change:stg_orders").children,
      "change:stg_orders/impacted:orders",
    );
    assert.deepEqual(
      orders.children.filter((item) => item.kind === "owner").map((item) => [item.label, item.kind, item.open?.file]),
      [
        ["ana@example.com", "owner", "src/marts/orders.ts"],
        ["team:analytics", "owner", "src/marts/orders.ts"],
      ],
    );
  });

  it("lists the checks of an impacted asset after its owners: they run again once it is rebuilt", () => {
    const orders = find(
      find(impactTree(jaffleImpact()), "change:stg_orders").children,
      "change:stg_orders/impacted:orders",
    );
    const check = find(orders.children, "change:stg_orders/impacted:orders/check:orders_amount_positive");
    assert.equal(check.kind, "check");
    assert.equal(check.description, "check on a failing asset");
    assert.deepEqual(check.open, { file: "src/marts/orders.ts", line: 4 });
    assert.equal(orders.children.indexOf(check), 2, "after the two owners");
  });

  it("names a changed asset's owners in its tooltip", () => {
    assert.match(
      find(impactTree(jaffleImpact()), "change:customer_segments").tooltip,
      /owned by ana@example\.com, team:marketing/,
    );
  });

  it("leaves an asset without a definition (a placeholder) unopenable rather than guessing a file", () => {
    const ltv = find(
      find(impactTree(jaffleImpact()), "change:stg_orders").children,
      "change:stg_orders/impacted:customer_ltv",
    );
    assert.equal(ltv.open, undefined);
    assert.deepEqual(ltv.children, []);
  });

  it("shows changed checks under their asset, and a metadata change in the modified colour", () => {
    const segments = find(impactTree(jaffleImpact()), "change:customer_segments");
    assert.equal(segments.description, "modified · metadata · checks, metadata");
    assert.equal(segments.icon.color, "gitDecoration.modifiedResourceForeground");
    assert.deepEqual(
      segments.children.map((item) => [item.kind, item.label, item.description, item.open?.file]),
      [["check", "segments_not_empty", "check added", "src/marts/customer_segments.ts"]],
    );
  });

  it("lists everyone to tell last", () => {
    const owners = find(impactTree(jaffleImpact()), "owners");
    assert.equal(owners.description, "4");
    assert.deepEqual(
      owners.children.map((item) => item.label),
      ["ana@example.com", "team:analytics", "team:finance", "team:marketing"],
    );
  });

  it("keeps an impacted asset whose upstream the report does not list, at the top level", () => {
    const report = jaffleImpact();
    const orphan = {
      key: "mystery",
      impact: "data" as const,
      distance: 1,
      because: [{ key: "gone", why: "reads gone" }],
      owners: [],
      checks: [],
    };
    const roots = impactTree({ ...report, impacted: [...report.impacted, orphan] });
    assert.ok(
      roots.some((item) => item.id === "unexplained/impacted:mystery"),
      roots.map((item) => item.id).join(", "),
    );
  });

  it("does not loop on a cycle of impacted assets", () => {
    const report = jaffleImpact();
    const a = {
      key: "a",
      impact: "data" as const,
      distance: 1,
      because: [
        { key: "b", why: "" },
        { key: "stg_orders", why: "" },
      ],
      owners: [],
      checks: [],
    };
    const b = {
      key: "b",
      impact: "data" as const,
      distance: 2,
      because: [{ key: "a", why: "" }],
      owners: [],
      checks: [],
    };
    const under = find(impactTree({ ...report, impacted: [a, b] }), "change:stg_orders").children;
    assert.deepEqual(
      under.map((item) => [item.label, item.description]),
      [
        ["a", "data · direct · no owners"],
        ["b", "data · 2 hops · no owners"],
      ],
    );
  });

  it("gives every item an id unique in the whole tree", () => {
    const ids: string[] = [];
    const walk = (items: readonly ImpactTreeItem[]): void => {
      for (const item of items) {
        ids.push(item.id);
        walk(item.children);
      }
    };
    walk(impactTree(jaffleImpact()));
    assert.equal(new Set(ids).size, ids.length);
  });

  it("summarises the report and names the base", () => {
    assert.equal(
      impactSummary(jaffleImpact()),
      "3 changed assets (2 breaking) · 4 impacted (2 will fail) · 4 owners to tell",
    );
    assert.equal(impactSummary(emptyImpact()), "0 changed assets · 0 impacted");
    assert.equal(impactBase(jaffleImpact()), "HEAD (1a2b3c4)");
    assert.deepEqual(impactTree(emptyImpact()), []);
  });
});
