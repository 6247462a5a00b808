import { asset } from "assetline";
import { raw_customers } from "../sources";

export const stg_customers = asset(
  {
    deps: [raw_customers],
    group: "staging",
    owners: ["team:analytics"],
    kinds: ["sql"],
    tags: { tier: "silver" },
    description: "Customers with conventional column names and a cleaned email.",
  },
  async (ctx) => {
    await ctx.warehouse.exec(`
      drop table if exists stg_customers;
      create table stg_customers as
      select
        cast(id as integer)      as customer_id,
        first_name,
        last_name,
        lower(trim(email))       as email,
        substr(created_at, 1, 10) as signed_up_on
      from raw_customers
    `);
    const [{ n }] = await ctx.warehouse.query("select count(*) as n from stg_customers");
    return { metadata: { rows: n } };
  },
);
