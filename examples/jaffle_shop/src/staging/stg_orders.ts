import { asset } from "assetline";
import { raw_orders } from "../sources";

export const stg_orders = asset(
  {
    deps: [raw_orders],
    group: "staging",
    owners: ["team:analytics"],
    kinds: ["sql"],
    tags: { tier: "silver" },
    description: "Orders, one row each, typed and renamed.",
  },
  async (ctx) => {
    await ctx.warehouse.exec(`
      drop table if exists stg_orders;
      create table stg_orders as
      select
        cast(id as integer)      as order_id,
        cast(user_id as integer) as customer_id,
        substr(order_date, 1, 10) as order_date,
        status
      from raw_orders
    `);
    const [{ n }] = await ctx.warehouse.query("select count(*) as n from stg_orders");
    return { metadata: { rows: n } };
  },
);
