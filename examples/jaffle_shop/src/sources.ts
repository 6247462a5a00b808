import { source } from "assetline";

// Raw exports from the shop's application database, landed as-is by the ingestion job
// (here: `npm run generate`). Assetline observes them; it never builds them.

export const raw_customers = source({
  group: "raw",
  owners: ["team:data-platform"],
  kinds: ["sql"],
  description: "Customer sign-ups from the shop app. Emails arrive untrimmed and in mixed case.",
});

export const raw_orders = source({
  group: "raw",
  owners: ["team:data-platform"],
  kinds: ["sql"],
  description: "One row per order, with its latest status. Loaded nightly.",
  // the nightly load is late when the newest copy is over a day old
  freshness: { maxLagMinutes: 24 * 60 },
});

export const raw_payments = source({
  group: "raw",
  owners: ["team:data-platform"],
  kinds: ["sql"],
  description: "Payment attempts per order, amounts in cents. An order can be split across methods.",
});
