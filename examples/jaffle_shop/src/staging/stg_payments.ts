import { asset } from "assetline";
import { raw_payments } from "../sources";

export const stg_payments = asset(
  {
    deps: [raw_payments],
    group: "staging",
    owners: ["team:analytics"],
    kinds: ["sql"],
    tags: { tier: "silver" },
    description: "Payments in dollars. Downstream models never see cents.",
  },
  async (ctx) => {
    await ctx.warehouse.exec(`
      drop table if exists stg_payments;
      create table stg_payments as
      select
        cast(id as integer)       as payment_id,
        cast(order_id as integer) as order_id,
        payment_method,
        amount / 100.0            as amount
      from raw_payments
    `);
    const [{ n }] = await ctx.warehouse.query("select count(*) as n from stg_payments");
    return { metadata: { rows: n } };
  },
);
