import { asset, sql } from "assetline";
import { orders } from "./orders";

export const monthly_revenue = asset(
  {
    deps: [orders],
    group: "marts",
    owners: ["team:finance"],
    kinds: ["sql"],
    tags: { tier: "gold", domain: "finance" },
    description: "Net revenue per calendar month (returns excluded) and the running total.",
  },
  async (ctx) => {
    await ctx.warehouse.exec(sql`
      drop table if exists monthly_revenue;
      create table monthly_revenue as
      with by_month as (
        select
          substr(order_date, 1, 7)      as month,
          count(*)                      as order_count,
          count(distinct customer_id)   as customer_count,
          sum(amount)                   as revenue
        from orders
        where status <> 'returned'
        group by 1
      )
      select
        month,
        order_count,
        customer_count,
        round(revenue, 2)                                 as revenue,
        round(sum(revenue) over (order by month), 2)      as revenue_to_date
      from by_month
    `);
    const [{ months }] = await ctx.warehouse.query(sql`select count(*) as months from monthly_revenue`);
    return { metadata: { months } };
  },
);
