import { asset } from "assetline";
import { raw_customers } from "../sources";

export const stg_customers = asset(
  {
    deps: [raw_customers],
    group: "staging",
    owners: ["team:analytics"],
    kinds: ["sqlite"],
    tags: { tier: "silver" },
    description: "Customers with conventional column names and a cleaned email.",
  },
  (ctx) => {
    ctx.db.exec(`
      drop table if exists stg_customers;
      create table stg_customers as
      select
        cast(id as integer)      as customer_id,
        first_name,
        last_name,
        lower(trim(email))       as email,
        date(created_at)         as signed_up_on
      from raw_customers
    `);
    return { metadata: { rows: ctx.db.prepare("select count(*) n from stg_customers").get().n } };
  },
);
