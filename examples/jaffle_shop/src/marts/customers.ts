import * as al from "assetline";
import { stg_customers } from "../staging/stg_customers";
import { orders } from "./orders";

export const customers = al.asset(
  {
    deps: [stg_customers, orders],
    group: "marts",
    owners: ["team:analytics", "ana@example.com"],
    kinds: ["sql"],
    tags: { tier: "gold", domain: "sales" },
    description:
      "One row per customer, including those who never ordered: first and latest order, " +
      "number of orders and lifetime value.",
  },
  async (ctx) => {
    // Returned orders were refunded, so they count as orders but not as value.
    await ctx.warehouse.exec(`
      drop table if exists customers;
      create table customers as
      with customer_orders as (
        select
          customer_id,
          min(order_date) as first_order,
          max(order_date) as most_recent_order,
          count(*)        as number_of_orders,
          sum(case when status <> 'returned' then amount else 0 end) as lifetime_value
        from orders
        group by customer_id
      )
      select
        c.customer_id,
        c.first_name,
        c.last_name,
        c.email,
        c.signed_up_on,
        co.first_order,
        co.most_recent_order,
        coalesce(co.number_of_orders, 0)          as number_of_orders,
        round(coalesce(co.lifetime_value, 0), 2)  as customer_lifetime_value
      from stg_customers as c
      left join customer_orders as co on co.customer_id = c.customer_id
    `);
    const [summary] = await ctx.warehouse.query(
      "select count(*) as n, sum(case when number_of_orders = 0 then 1 else 0 end) as never_ordered from customers",
    );
    return { metadata: { rows: summary.n, never_ordered: summary.never_ordered } };
  },
);
