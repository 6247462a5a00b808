import { asset } from "../lib/assetline";
import type { WarehouseDialect } from "assetline";
import { customers } from "./customers";

export const customerSegments = asset(
  {
    name: "customer_segments",
    deps: [customers],
    group: "marts",
    owners: ["team:marketing", "ana@example.com"],
    kinds: ["sql"],
    tags: { tier: "gold", domain: "marketing" },
    description:
      "Each customer's segment for campaigns: champion, regular, new, lapsed (no order in 90 days) " +
      "or prospect (never ordered), with their lifetime-value quartile.",
  },
  async (ctx) => {
    // Recency is measured from the newest order in the data, not from today, so that
    // re-running on a past snapshot reproduces that day's segments.
    const recency = daysBetween("max(most_recent_order) over ()", "most_recent_order", ctx.warehouse.dialect);
    await ctx.warehouse.exec(`
      drop table if exists customer_segments;
      create table customer_segments as
      with scored as (
        select
          customer_id,
          number_of_orders,
          ntile(4) over (order by customer_lifetime_value desc, customer_id) as value_quartile,
          ${recency} as days_since_last_order
        from customers
        where number_of_orders > 0
      )
      select
        c.customer_id,
        s.value_quartile,
        s.days_since_last_order,
        case
          when s.customer_id is null        then 'prospect'
          when s.days_since_last_order > 90 then 'lapsed'
          when s.value_quartile = 1         then 'champion'
          when s.number_of_orders = 1       then 'new'
          else 'regular'
        end as segment
      from customers as c
      left join scored as s on s.customer_id = c.customer_id
    `);
    const metadata: Record<string, number> = {};
    const counts = await ctx.warehouse.query<{ segment: string; n: number }>(
      "select segment, count(*) as n from customer_segments group by segment",
    );
    for (const row of counts) {
      metadata[row.segment] = row.n;
    }
    return { metadata };
  },
);

/**
 * Whole days between two ISO dates (stored as text in both warehouses): the one expression
 * SQLite and PostgreSQL spell differently, so the asset picks it by the warehouse's dialect.
 */
function daysBetween(later: string, earlier: string, dialect: WarehouseDialect): string {
  return dialect === "postgresql"
    ? `cast(${later} as date) - cast(${earlier} as date)`
    : `cast(julianday(${later}) - julianday(${earlier}) as integer)`;
}
