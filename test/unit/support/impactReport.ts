/**
 * An impact report shaped like the engine's answer for examples/jaffle_shop after three edits:
 * stg_orders drops `status` (read by orders), stg_customers is renamed to customers_clean
 * (still named by a string dep), and customer_segments only gained an owner and a check.
 */
import type { ImpactReport } from "../../../protocol/impact";

export function jaffleImpact(): ImpactReport {
  return {
    base: { ref: "HEAD", commit: "1a2b3c4d5e6f7081928374655647382910abcdef" },
    changes: [
      {
        key: "customer_segments",
        change: "modified",
        reasons: ["checks", "metadata"],
        category: "metadata",
        why: "owners changed and a check was added",
        columns: { added: [], removed: [] },
        owners: ["ana@example.com", "team:marketing"],
        file: "src/marts/customer_segments.ts",
        line: 4,
      },
      {
        key: "customers_clean",
        change: "renamed",
        previousKey: "stg_customers",
        reasons: [],
        category: "breaking",
        why: "renamed from stg_customers, which customers still names",
        columns: { added: [], removed: [] },
        owners: ["team:analytics"],
        file: "src/staging/stg_customers.ts",
        line: 4,
      },
      {
        key: "stg_orders",
        change: "modified",
        reasons: ["code"],
        category: "breaking",
        why: "column status is no longer produced, and orders reads it",
        columns: { added: ["order_status"], removed: ["status"] },
        owners: ["team:analytics"],
        file: "src/staging/stg_orders.ts",
        line: 4,
      },
    ],
    impacted: [
      {
        key: "customers",
        impact: "breaking",
        distance: 1,
        because: [{ key: "stg_customers", why: "depends on stg_customers by key, which no longer exists" }],
        owners: ["ana@example.com", "team:analytics"],
        checks: [],
        file: "src/marts/customers.ts",
        line: 4,
      },
      {
        key: "orders",
        impact: "breaking",
        distance: 1,
        because: [{ key: "stg_orders", why: "reads o.status" }],
        owners: ["ana@example.com", "team:analytics"],
        checks: ["orders_amount_positive"],
        file: "src/marts/orders.ts",
        line: 4,
      },
      {
        key: "monthly_revenue",
        impact: "data",
        distance: 2,
        because: [{ key: "orders", why: "reads orders" }],
        owners: ["team:finance"],
        checks: [],
        file: "src/marts/monthly_revenue.ts",
        line: 3,
      },
      {
        key: "customer_ltv",
        impact: "data",
        distance: 2,
        because: [
          { key: "monthly_revenue", why: "reads monthly_revenue" },
          { key: "customers", why: "reads customers" },
        ],
        owners: [],
        checks: [],
      },
    ],
    checks: [{ asset: "customer_segments", name: "segments_not_empty", change: "added" }],
    owners: ["ana@example.com", "team:analytics", "team:finance", "team:marketing"],
  };
}

export function emptyImpact(): ImpactReport {
  return {
    base: { ref: "HEAD", commit: "1a2b3c4d5e6f7081928374655647382910abcdef" },
    changes: [],
    impacted: [],
    checks: [],
    owners: [],
  };
}
