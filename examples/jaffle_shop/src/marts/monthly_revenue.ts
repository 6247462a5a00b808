import { asset, sql } from "assetline";
import { orders } from "./orders";

export const monthly_revenue = asset(
  {
    deps: [orders],
    group: "marts",
    owners: ["team:finance"],
    kinds: ["sqlite"],
    tags: { tier: "gold", domain: "finance" },
    description: "Net revenue per calendar month (returns excluded) and the running total.",
  },
  (ctx) => {
    ctx.db.exec(sql`
      drop table if exists monthly_revenue;
      create table monthly_revenue as
      with by_month as (
        select
          strftime('%Y-%m', order_date) as month,
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
    return { metadata: { months: ctx.db.prepare("select count(*) n from monthly_revenue").get().n } };
  },
);
