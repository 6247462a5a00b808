import { check } from "./lib/assetline";
import { stg_orders } from "./staging/stg_orders";
import { stg_payments } from "./staging/stg_payments";
import { orders } from "./marts/orders";

// Blocking: a duplicated order would double-count revenue in every mart downstream,
// so the run stops before building them.
export const order_id_unique = check(stg_orders, { name: "order_id_unique", blocking: true }, async (ctx) => {
  const dupes = await ctx.warehouse.query("select order_id from stg_orders group by order_id having count(*) > 1");
  return { passed: dupes.length === 0, metadata: { duplicates: dupes.length } };
});

export const customer_id_not_null = check(
  stg_orders,
  { name: "customer_id_not_null", description: "Every order belongs to a customer." },
  async (ctx) => {
    const [{ n }] = await ctx.warehouse.query("select count(*) as n from stg_orders where customer_id is null");
    return { passed: n === 0, metadata: { orders_without_customer: n } };
  },
);

export const payments_non_negative = check(
  stg_payments,
  { name: "payments_non_negative", blocking: true, description: "Refunds are returns, never negative payments." },
  async (ctx) => {
    const [row] = await ctx.warehouse.query(
      "select coalesce(sum(case when amount < 0 then 1 else 0 end), 0) as n, min(amount) as smallest from stg_payments",
    );
    return { passed: row.n === 0, metadata: { negative_payments: row.n, smallest: row.smallest } };
  },
);

// Non-blocking: a mismatch means a payment was dropped or duplicated by the join; worth an
// alert, not worth holding back the customer marts.
export const orders_amount_matches_payments = check(
  orders,
  { name: "orders_amount_matches_payments", description: "Each order's amount equals the sum of its payments." },
  async (ctx) => {
    const [{ mismatched }] = await ctx.warehouse.query(
      `select count(*) as mismatched
       from orders as o
       left join (select order_id, sum(amount) as paid from stg_payments group by order_id) as p
         on p.order_id = o.order_id
       where abs(o.amount - coalesce(p.paid, 0)) >= 0.005`,
    );
    const [{ orphans }] = await ctx.warehouse.query(
      `select count(*) as orphans
       from stg_payments as p
       left join orders as o on o.order_id = p.order_id
       where o.order_id is null`,
    );
    return { passed: mismatched === 0 && orphans === 0, metadata: { mismatched, orphan_payments: orphans } };
  },
);

// Targeted by key: a string names the asset as well as a reference does.
export const every_customer_segmented = check(
  "customer_segments",
  { name: "every_customer_segmented", description: "No customer is missing from the segments or left unsegmented." },
  async (ctx) => {
    const [row] = await ctx.warehouse.query(
      `select
         (select count(*) from customers) as customer_count,
         (select count(*) from customer_segments where segment is not null) as segmented_count`,
    );
    return { passed: row.customer_count === row.segmented_count, metadata: row };
  },
);
