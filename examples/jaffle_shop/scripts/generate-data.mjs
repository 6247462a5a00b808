// Writes the raw tables of the jaffle shop into the warehouse, the way an ingestion tool
// would land them: the embedded one (.assetline/warehouse.db), or PostgreSQL when the
// workspace configures it (ASSETLINE_WAREHOUSE_URL, or "warehouse" in assetline.config.json).
// Deterministic: a seeded PRNG and a fixed calendar, so every run writes the same rows
// and the marts (and their checks) come out the same on every machine.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

/** A driver Assetline itself uses (better-sqlite3, pg): from this project, or through the installed `assetline` package. */
function loadDriver(name) {
  const local = createRequire(import.meta.url);
  try {
    return local(name);
  } catch {
    try {
      return createRequire(local.resolve("assetline/package.json"))(name);
    } catch {
      console.error(`generate-data: cannot find ${name}; run \`npm install\` in this folder (it comes with assetline).`);
      process.exit(1);
    }
  }
}

const root = fileURLToPath(new URL("..", import.meta.url));

/** The PostgreSQL URL the workspace's warehouse is configured to, as Assetline reads it; undefined for SQLite. */
function postgresWarehouseUrl() {
  const fromEnv = process.env.ASSETLINE_WAREHOUSE_URL?.trim();
  if (fromEnv) return fromEnv === "sqlite" ? undefined : fromEnv;
  const file = `${root}assetline.config.json`;
  const configured = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).warehouse : undefined;
  return configured === undefined || configured === "sqlite" ? undefined : configured;
}

const SEED = 42;
const CUSTOMERS = 500;
const ORDERS = 5000;
const PROSPECTS = 40; // customers who signed up and never ordered: the customers mart must keep them
const FIRST_DAY = Date.UTC(2024, 0, 1); // orders span calendar year 2024
const DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

const started = performance.now();

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
const pick = (items) => items[Math.floor(random() * items.length)];
const day = (offset) => new Date(FIRST_DAY + offset * DAY_MS).toISOString().slice(0, 10);

const FIRST_NAMES = [
  "Michael", "Shawn", "Kathleen", "Jimmy", "Katherine", "Sarah", "Martin", "Frank", "Jennifer", "Henry",
  "Fred", "Amy", "Grace", "Steve", "Teresa", "Amanda", "Kimberly", "Johnny", "Virginia", "Anna",
  "Willie", "Sean", "Mildred", "David", "Victor", "Aaron", "Howard", "Diana", "Gloria", "Lillian",
  "Rose", "Ruth", "Julia", "Carlos", "Paula", "Nora", "Omar", "Priya", "Wei", "Lucia",
];
const LAST_NAMES = [
  "Perez", "Palmer", "Ramirez", "Walker", "Harris", "Brown", "Castillo", "Richardson", "Gordon", "Bailey",
  "Hill", "Kelly", "Myers", "Morgan", "Reynolds", "Lopez", "Ward", "Young", "Simmons", "Long",
  "Ferguson", "Hughes", "Nguyen", "Okafor", "Rossi", "Schmidt", "Tanaka", "Silva", "Kowalski", "Chen",
];

// Customers: signed up between mid-2023 and the end of 2024. Exports are messy the way
// real ones are (stray case and whitespace in emails); staging cleans that up.
const customers = [];
for (let id = 1; id <= CUSTOMERS; id++) {
  const prospect = id > CUSTOMERS - PROSPECTS;
  const first = pick(FIRST_NAMES);
  const last = pick(LAST_NAMES);
  const signupDay = prospect ? int(DAYS - 60, DAYS - 1) : int(-200, DAYS - 30);
  const time = `${String(int(7, 22)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}:00`;
  let email = `${first}.${last}${id}@example.com`;
  if (random() < 0.1) email = ` ${email} `;
  if (random() < 0.7) email = email.toLowerCase();
  customers.push({
    id, first_name: first, last_name: `${last[0]}.`, email, created_at: `${day(signupDay)} ${time}`, signupDay,
    // orders per day: heavy-tailed, so a few regulars place most orders
    appetite: prospect ? 0 : random() ** 3 + 0.02,
  });
}

// A customer's share of orders is appetite × days they could order, so late sign-ups
// don't cram a regular's year into a few weeks.
const buyers = customers.filter((c) => c.appetite > 0);
const cumulative = [];
let total = 0;
for (const c of buyers) cumulative.push((total += c.appetite * (DAYS - Math.max(0, c.signupDay))));
function pickBuyer() {
  const x = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return buyers[lo];
}

// Orders: uniform over the days a customer could have ordered (from signup, within 2024),
// then numbered by date as the shop's database would have.
const orders = [];
for (let i = 0; i < ORDERS; i++) {
  const c = pickBuyer();
  const from = Math.max(0, c.signupDay);
  orders.push({ user_id: c.id, dayOffset: int(from, DAYS - 1), draw: random() });
}
orders.sort((a, b) => a.dayOffset - b.dayOffset || a.user_id - b.user_id || a.draw - b.draw);

// Status follows the order's age at the export date: recent orders are still in flight.
function status(age, r) {
  if (age < 3) return r < 0.8 ? "placed" : "shipped";
  if (age < 8) return r < 0.15 ? "placed" : r < 0.85 ? "shipped" : "completed";
  if (r < 0.04) return "returned";
  if (age < 30 && r < 0.07) return "return_pending";
  return "completed";
}

// Payments, in cents: most orders are paid once; about one in five combine a coupon or
// gift card with a card or bank transfer.
const payments = [];
for (let i = 0; i < orders.length; i++) {
  const o = orders[i];
  o.id = i + 1;
  o.order_date = day(o.dayOffset);
  o.status = status(DAYS - 1 - o.dayOffset, o.draw);
  let due = 0;
  for (let items = int(1, 4); items > 0; items--) due += pick([349, 450, 599, 725, 850, 1195, 1450]);
  if (random() < 0.2) {
    const voucher = Math.min(due - 100, pick([250, 500, 1000]));
    payments.push({ order_id: o.id, payment_method: random() < 0.6 ? "coupon" : "gift_card", amount: voucher });
    due -= voucher;
  }
  payments.push({ order_id: o.id, payment_method: random() < 0.75 ? "credit_card" : "bank_transfer", amount: due });
}

const RAW_TABLES = `
  drop table if exists raw_customers;
  drop table if exists raw_orders;
  drop table if exists raw_payments;
  create table raw_customers (id integer primary key, first_name text, last_name text, email text, created_at text);
  create table raw_orders (id integer primary key, user_id integer, order_date text, status text);
  create table raw_payments (id integer primary key, order_id integer, payment_method text, amount integer);
`;
const customerRows = customers.map((c) => [c.id, c.first_name, c.last_name, c.email, c.created_at]);
const orderRows = orders.map((o) => [o.id, o.user_id, o.order_date, o.status]);
const paymentRows = payments.map((p, i) => [i + 1, p.order_id, p.payment_method, p.amount]);

function loadSqlite() {
  const Database = loadDriver("better-sqlite3");
  mkdirSync(`${root}.assetline`, { recursive: true });
  const db = new Database(`${root}.assetline/warehouse.db`);
  // One transaction: readers never see half a load, and it takes milliseconds, not seconds.
  const load = db.transaction(() => {
    db.exec(RAW_TABLES);
    const insertCustomer = db.prepare("insert into raw_customers values (?, ?, ?, ?, ?)");
    for (const row of customerRows) insertCustomer.run(...row);
    const insertOrder = db.prepare("insert into raw_orders values (?, ?, ?, ?)");
    for (const row of orderRows) insertOrder.run(...row);
    const insertPayment = db.prepare("insert into raw_payments values (?, ?, ?, ?)");
    for (const row of paymentRows) insertPayment.run(...row);
  });
  load();
  db.close();
  return ".assetline/warehouse.db";
}

async function loadPostgres(url) {
  const { Client } = loadDriver("pg");
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    console.error(`generate-data: cannot connect to the warehouse ${url.replace(/:[^:@/]*@/, ":***@")}: ${error.message}`);
    process.exit(1);
  }
  // One statement per table: each column goes as one array parameter, unnested server-side.
  const insert = (table, types, rows) =>
    client.query(
      `insert into ${table} select * from unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(", ")})`,
      types.map((_, column) => rows.map((row) => row[column])),
    );
  try {
    await client.query("begin");
    await client.query(RAW_TABLES);
    await insert("raw_customers", ["integer", "text", "text", "text", "text"], customerRows);
    await insert("raw_orders", ["integer", "integer", "text", "text"], orderRows);
    await insert("raw_payments", ["integer", "integer", "text", "integer"], paymentRows);
    await client.query("commit");
  } finally {
    await client.end();
  }
  return "the PostgreSQL warehouse";
}

const url = postgresWarehouseUrl();
const target = url === undefined ? loadSqlite() : await loadPostgres(url);

const ms = Math.round(performance.now() - started);
console.log(
  `jaffle_shop: wrote ${customers.length} raw_customers, ${orders.length} raw_orders, ` +
    `${payments.length} raw_payments to ${target} in ${ms} ms`,
);
