import assert from "node:assert/strict";
import {
  changeChildren,
  type ImpactTreeItem,
  impactBase,
  impactSummary,
  impactTree,
  ownersChildren,
} from "../../client/src/impact/tree";
import type { ImpactReport } from "../../protocol/impact";
import { ImpactDigest } from "../../server/src/model/impactDigest";
import { emptyImpact, jaffleImpact } from "./support/impactReport";

/** The tree's roots for a report, as the view gets them: from the server's summary of it. */
function rootsOf(report: ImpactReport = jaffleImpact()): ImpactTreeItem[] {
  return impactTree(new ImpactDigest(report).summary());
}

/** An item's children as the view lists them: a change's downstream is the server's first page of it. */
function childrenOf(item: ImpactTreeItem, report: ImpactReport = jaffleImpact(), limit = 200): ImpactTreeItem[] {
  const digest = new ImpactDigest(report);
  const summary = digest.summary();
  if (item.lazy?.list === "owners")
    return ownersChildren({ entries: summary.owners.first, total: summary.owners.total });
  if (item.lazy?.list === "downstream") {
    const key = item.lazy.change;
    const page = digest.downstream(key, 0, limit)!;
    return changeChildren(
      summary,
      summary.changes.find((change) => change.key === key)!,
      page,
    );
  }
  return [...item.children];
}

/** The children of the root item `id`. */
function under(id: string, report: ImpactReport = jaffleImpact(), limit = 200): ImpactTreeItem[] {
  return childrenOf(find(rootsOf(report), id), report, limit);
}

function find(items: readonly ImpactTreeItem[], id: string): ImpactTreeItem {
  const item = items.find((candidate) => candidate.id === id);
  assert.ok(item, `no item ${id} among ${items.map((candidate) => candidate.id).join(", ")}`);
  return item;
}

describe("client: the impact view's tree", () => {
  it("lists breaking changes first, then the rest by key, then the owners to tell", () => {
    const roots = rootsOf();
    assert.deepEqual(
      roots.map((item) => item.label),
      ["customers_clean", "stg_orders", "customer_segments", "Owners to tell"],
    );
  });

  it("says what changed, its category, reasons and reach, and opens the definition", () => {
    const item = find(rootsOf(), "change:stg_orders");
    assert.equal(item.description, "modified · breaking · code · 3 downstream");
    assert.deepEqual(item.open, { file: "src/staging/stg_orders.ts", line: 4 });
    assert.deepEqual(item.icon, { id: "diff-modified", color: "list.errorForeground" });
    assert.match(item.tooltip, /orders reads it/);
    assert.match(item.tooltip, /columns removed: status/);
    assert.match(item.tooltip, /columns added: order_status/);
  });

  it("names the old key of a rename", () => {
    const item = find(rootsOf(), "change:customers_clean");
    assert.equal(item.description, "renamed from stg_customers · breaking · 2 downstream");
    assert.equal(item.icon.id, "diff-renamed");
  });

  it("puts under each change every asset downstream of it, breaking first, with hops from that change", () => {
    const underOrders = under("change:stg_orders");
    assert.deepEqual(
      underOrders.map((item) => [item.label, item.description]),
      [
        ["orders", "breaking · direct"],
        ["monthly_revenue", "data · 2 hops"],
        ["customer_ltv", "data · 3 hops · no owners"],
      ],
    );
    // The same asset under the rename is nearer: through customers, not monthly_revenue.
    const underRename = under("change:customers_clean");
    assert.deepEqual(
      underRename.map((item) => [item.label, item.description]),
      [
        ["customers", "breaking · direct"],
        ["customer_ltv", "data · 2 hops · no owners"],
      ],
    );
  });

  it("colours what will fail as an error and what must be rebuilt as a warning, and explains why", () => {
    const underOrders = under("change:stg_orders");
    const orders = find(underOrders, "change:stg_orders/impacted:orders");
    assert.deepEqual(orders.icon, { id: "error", color: "list.errorForeground" });
    assert.match(orders.tooltip, /^breaking: it will fail\nstg_orders: reads o\.status/);
    const revenue = find(underOrders, "change:stg_orders/impacted:monthly_revenue");
    assert.deepEqual(revenue.icon, { id: "refresh", color: "list.warningForeground" });
    assert.deepEqual(revenue.open, { file: "src/marts/monthly_revenue.ts", line: 3 });
  });

  it("gives an impacted asset its owners as children, each opening what they own", () => {
    const orders = find(under("change:stg_orders"), "change:stg_orders/impacted:orders");
    assert.deepEqual(
      orders.children.filter((item) => item.kind === "owner").map((item) => [item.label, item.kind, item.open?.file]),
      [
        ["ana@example.com", "owner", "src/marts/orders.ts"],
        ["team:analytics", "owner", "src/marts/orders.ts"],
      ],
    );
  });

  it("lists the checks of an impacted asset after its owners: they run again once it is rebuilt", () => {
    const orders = find(under("change:stg_orders"), "change:stg_orders/impacted:orders");
    const check = find(orders.children, "change:stg_orders/impacted:orders/check:orders_amount_positive");
    assert.equal(check.kind, "check");
    assert.equal(check.description, "check on a failing asset");
    assert.deepEqual(check.open, { file: "src/marts/orders.ts", line: 4 });
    assert.equal(orders.children.indexOf(check), 2, "after the two owners");
  });

  it("names a changed asset's owners in its tooltip", () => {
    assert.match(find(rootsOf(), "change:customer_segments").tooltip, /owned by ana@example\.com, team:marketing/);
  });

  it("leaves an asset without a definition (a placeholder) unopenable rather than guessing a file", () => {
    const ltv = find(under("change:stg_orders"), "change:stg_orders/impacted:customer_ltv");
    assert.equal(ltv.open, undefined);
    assert.deepEqual(ltv.children, []);
  });

  it("shows changed checks under their asset, and a metadata change in the modified colour", () => {
    const segments = find(rootsOf(), "change:customer_segments");
    assert.equal(segments.description, "modified · metadata · checks, metadata");
    assert.equal(segments.icon.color, "gitDecoration.modifiedResourceForeground");
    assert.deepEqual(
      under("change:customer_segments").map((item) => [item.kind, item.label, item.description, item.open?.file]),
      [["check", "segments_not_empty", "check added", "src/marts/customer_segments.ts"]],
    );
  });

  it("lists everyone to tell last", () => {
    const owners = find(rootsOf(), "owners");
    assert.equal(owners.description, "4");
    assert.deepEqual(
      childrenOf(owners).map((item) => item.label),
      ["ana@example.com", "team:analytics", "team:finance", "team:marketing"],
    );
  });

  it("fetches a change's downstream only when expanded: a change item carries none itself", () => {
    for (const root of rootsOf()) assert.deepEqual(root.children, [], root.id);
    assert.deepEqual(find(rootsOf(), "change:stg_orders").lazy, { list: "downstream", change: "stg_orders" });
    // Nothing downstream and no changed check: nothing to expand.
    const alone = { ...jaffleImpact(), checks: [] };
    assert.equal(find(rootsOf(alone), "change:customer_segments").lazy, undefined);
  });

  it("ends a partly loaded list with an item saying how many more, which loads the next page", () => {
    const firstTwo = under("change:stg_orders", jaffleImpact(), 2);
    assert.deepEqual(
      firstTwo.map((item) => [item.kind, item.label]),
      [
        ["impacted", "orders"],
        ["impacted", "monthly_revenue"],
        ["more", "1 more"],
      ],
    );
    const more = firstTwo[2]!;
    assert.equal(more.id, "change:stg_orders/more");
    assert.deepEqual(more.more, { list: "downstream", change: "stg_orders" });
    assert.equal(more.description, "of 3 impacted: click to list the next ones");
    const owners = ownersChildren({ entries: ["ana@example.com"], total: 250 });
    assert.deepEqual(
      owners.map((item) => [item.kind, item.label]),
      [
        ["owner", "ana@example.com"],
        ["more", "249 more"],
      ],
    );
    assert.deepEqual(owners[1]!.more, { list: "owners" });
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
    assert.deepEqual(
      under("change:stg_orders", { ...report, impacted: [a, b] }).map((item) => [item.label, item.description]),
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
        walk(childrenOf(item, jaffleImpact(), 1));
      }
    };
    walk(rootsOf());
    assert.equal(new Set(ids).size, ids.length);
  });

  it("summarises the report and names the base", () => {
    const summaryOf = (report: ImpactReport) => new ImpactDigest(report).summary();
    assert.equal(
      impactSummary(summaryOf(jaffleImpact())),
      "3 changed assets (2 breaking) · 4 impacted (2 will fail) · 4 owners to tell",
    );
    assert.equal(impactSummary(summaryOf(emptyImpact())), "0 changed assets · 0 impacted");
    assert.equal(impactBase(summaryOf(jaffleImpact())), "HEAD (1a2b3c4)");
    assert.deepEqual(rootsOf(emptyImpact()), []);
  });
});
