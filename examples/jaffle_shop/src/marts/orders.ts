import { asset } from "assetline";
import { stg_orders } from "../staging/stg_orders";

export const orders = asset(
  {
    // stg_payments by key: a string dep works as well as a reference and needs no import
    deps: [stg_orders, "stg_payments"],
    group: "marts",
    owners: ["team:analytics", "ana@example.com"],
    kinds: ["sql"],
    tags: { tier: "gold", domain: "sales" },
    description: "One row per order with what was paid by each method. Unpaid orders have amount 0.",
    // finance refreshes its dashboard hourly from this table
    freshness: { maxLagMinutes: 60 },
  },
  async (ctx) => {
    await ctx.warehouse.exec(`
      drop table if exists orders;
      create table orders as
      with order_payments as (
        select
          order_id,
          sum(case when payment_method = 'credit_card' then amount else 0 end)   as credit_card_amount,
          sum(case when payment_method = 'coupon' then amount else 0 end)        as coupon_amount,
          sum(case when payment_method = 'bank_transfer' then amount else 0 end) as bank_transfer_amount,
          sum(case when payment_method = 'gift_card' then amount else 0 end)     as gift_card_amount,
          sum(amount)                                                            as total_amount
        from stg_payments
        group by order_id
      )
      select
        o.order_id,
        o.customer_id,
        o.order_date,
        o.status,
        round(coalesce(p.credit_card_amount, 0), 2)   as credit_card_amount,
        round(coalesce(p.coupon_amount, 0), 2)        as coupon_amount,
        round(coalesce(p.bank_transfer_amount, 0), 2) as bank_transfer_amount,
        round(coalesce(p.gift_card_amount, 0), 2)     as gift_card_amount,
        round(coalesce(p.total_amount, 0), 2)         as amount
      from stg_orders as o
      left join order_payments as p on p.order_id = o.order_id
    `);
    const [summary] = await ctx.warehouse.query(
      "select count(*) as n, round(sum(amount), 2) as gross_revenue from orders",
    );
    return { metadata: { rows: summary.n, gross_revenue: summary.gross_revenue } };
  },
);
