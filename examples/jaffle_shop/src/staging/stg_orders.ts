import { asset } from "assetline";
import { raw_orders } from "../sources";

export const stg_orders = asset(
  {
    deps: [raw_orders],
    group: "staging",
    owners: ["team:analytics"],
    kinds: ["sqlite"],
    tags: { tier: "silver" },
    description: "Orders, one row each, typed and renamed.",
  },
  (ctx) => {
    ctx.db.exec(`
      drop table if exists stg_orders;
      create table stg_orders as
      select
        cast(id as integer)      as order_id,
        cast(user_id as integer) as customer_id,
        date(order_date)         as order_date,
        status
      from raw_orders
    `);
    return { metadata: { rows: ctx.db.prepare("select count(*) n from stg_orders").get().n } };
  },
);
