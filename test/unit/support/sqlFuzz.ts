/**
 * Seeded random SQL for fuzzing the fast path against sql-parser-cst: statements built from a
 * grammar that strays on purpose past what the fast path models (keywords as names, odd
 * operators, dialect clauses), and token-level mutations of corpus statements (which are
 * mostly invalid SQL the fast path must decline unless sql-parser-cst accepts it too).
 */
import { tokenize } from "../../../server/src/analysis/sql/sqlTokens";

export type Random = () => number;

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (random: Random, p: number): boolean => random() < p;

const NAMES = [
  "a",
  "b",
  "id",
  "amount",
  "status",
  "t",
  "u",
  "orders",
  "Customers",
  "x1",
  "_c",
  "key",
  "first",
  "rows",
  "date",
  "value",
  "temp",
  "main",
  "filter",
  "over",
  "end",
  "replace",
  "with",
  "if",
  "do",
  "order",
  "from",
  "group",
  "select",
  "true",
  "current_date",
  "nocase",
  "rowid",
  "a$b",
  "é",
];
const QUOTED = ['"Order Id"', "[x y]", "`t`", '"a""b"', '"select"'];
const FUNCTIONS = [
  "count",
  "sum",
  "max",
  "coalesce",
  "date",
  "json_extract",
  "row_number",
  "lag",
  "replace",
  "iif",
  "like",
  "glob",
];
const LITERALS = [
  "1",
  "2.5",
  "1e3",
  "0x1f",
  "'s'",
  "'it''s'",
  "''",
  "null",
  "true",
  "?",
  "?1",
  ":p",
  "@p",
  "$p",
  "x'00'",
  "1abc",
];
const OPERATORS = [
  "=",
  "==",
  "!=",
  "<>",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "||",
  "&",
  "|",
  "<<",
  ">>",
  "->",
  "->>",
  "and",
  "or",
  "is",
  "is not",
  "like",
  "glob",
  "match",
  "regexp",
  "in",
  "not in",
  "is distinct from",
  "< =",
  "! =",
];
const TYPES = ["integer", "text", "real", "decimal(10, 2)", "varchar(3)", "uuid", "double precision", "int"];
const JOINS = [
  "join",
  "left join",
  "left outer join",
  "inner join",
  "cross join",
  "natural join",
  "right join",
  "full join",
  ",",
  "join lateral",
  "outer join",
];
const STATEMENT_PREFIXES = [
  "",
  "",
  "",
  "explain ",
  "create table t as ",
  "create view v as ",
  "insert into t ",
  "insert into t (a, b) ",
  "create temp table if not exists main.t as ",
  "replace into t ",
  "insert or ignore into t ",
];

function name(random: Random): string {
  return chance(random, 0.15) ? pick(random, QUOTED) : pick(random, NAMES);
}

function qualified(random: Random): string {
  return chance(random, 0.35) ? `${name(random)}.${name(random)}` : name(random);
}

function expression(random: Random, depth: number): string {
  const roll = random();
  if (depth > 3 || roll < 0.3) return chance(random, 0.5) ? qualified(random) : pick(random, LITERALS);
  if (roll < 0.55)
    return `${expression(random, depth + 1)} ${pick(random, OPERATORS)} ${expression(random, depth + 1)}`;
  if (roll < 0.65) {
    const args = chance(random, 0.2)
      ? "*"
      : Array.from({ length: 1 + Math.floor(random() * 3) }, () => expression(random, depth + 1)).join(", ");
    const over = chance(random, 0.3)
      ? ` over (partition by ${name(random)} order by ${name(random)}${chance(random, 0.3) ? " rows between unbounded preceding and current row" : ""})`
      : "";
    const filter = chance(random, 0.1) ? ` filter (where ${expression(random, depth + 1)})` : "";
    return `${pick(random, FUNCTIONS)}(${chance(random, 0.1) ? "distinct " : ""}${args})${filter}${over}`;
  }
  if (roll < 0.72)
    return `case ${chance(random, 0.3) ? `${name(random)} ` : ""}when ${expression(random, depth + 1)} then ${expression(random, depth + 1)}${chance(random, 0.5) ? ` else ${expression(random, depth + 1)}` : ""} end`;
  if (roll < 0.77) return `cast(${expression(random, depth + 1)} as ${pick(random, TYPES)})`;
  if (roll < 0.84) return `(${chance(random, 0.5) ? select(random, depth + 1) : expression(random, depth + 1)})`;
  if (roll < 0.88) return `${chance(random, 0.5) ? "not " : ""}exists (${select(random, depth + 1)})`;
  if (roll < 0.92)
    return `${expression(random, depth + 1)} ${chance(random, 0.3) ? "not " : ""}between ${expression(random, depth + 1)} and ${expression(random, depth + 1)}`;
  if (roll < 0.96)
    return `${expression(random, depth + 1)} ${pick(random, ["is null", "isnull", "notnull", "not null", "collate nocase"])}`;
  return `${pick(random, ["-", "+", "~", "not "])}${expression(random, depth + 1)}`;
}

function source(random: Random, depth: number): string {
  const roll = random();
  const base =
    roll < 0.7 || depth > 2
      ? qualified(random)
      : roll < 0.85
        ? `(${select(random, depth + 1)})`
        : `json_each(${expression(random, depth + 1)})`;
  const alias = chance(random, 0.5) ? (chance(random, 0.5) ? ` as ${name(random)}` : ` ${name(random)}`) : "";
  return base + alias;
}

function core(random: Random, depth: number): string {
  const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
    if (chance(random, 0.1)) return chance(random, 0.5) ? "*" : `${name(random)}.*`;
    const expr = expression(random, depth + 1);
    return chance(random, 0.4) ? `${expr}${chance(random, 0.6) ? " as" : ""} ${name(random)}` : expr;
  });
  let sql = `select ${chance(random, 0.1) ? "distinct " : ""}${items.join(", ")}`;
  if (chance(random, 0.85)) {
    sql += ` from ${source(random, depth)}`;
    while (chance(random, 0.35)) {
      const join = pick(random, JOINS);
      sql += ` ${join} ${source(random, depth)}`;
      if (join !== "," && !join.startsWith("cross") && !join.startsWith("natural")) {
        sql += chance(random, 0.8) ? ` on ${expression(random, depth + 1)}` : ` using (${name(random)})`;
      }
    }
  }
  if (chance(random, 0.4)) sql += ` where ${expression(random, depth + 1)}`;
  if (chance(random, 0.2))
    sql += ` group by ${expression(random, depth + 1)}${chance(random, 0.4) ? ` having ${expression(random, depth + 1)}` : ""}`;
  return sql;
}

function select(random: Random, depth: number): string {
  let sql = "";
  if (chance(random, 0.2) && depth < 2) {
    const ctes = Array.from(
      { length: 1 + Math.floor(random() * 2) },
      () => `${name(random)}${chance(random, 0.2) ? " (a, b)" : ""} as (${select(random, depth + 1)})`,
    );
    sql += `with ${chance(random, 0.1) ? "recursive " : ""}${ctes.join(", ")} `;
  }
  sql += core(random, depth);
  while (chance(random, 0.15))
    sql += ` ${pick(random, ["union", "union all", "intersect", "except"])} ${core(random, depth)}`;
  if (chance(random, 0.2))
    sql += ` order by ${expression(random, depth + 1)}${chance(random, 0.5) ? pick(random, [" asc", " desc", " desc nulls last"]) : ""}`;
  if (chance(random, 0.15)) sql += ` limit ${pick(random, ["1", "?", "10 offset 5", "5, 10"])}`;
  return sql;
}

/** One random statement of the kinds the fast path models, and some it does not. */
export function randomStatement(random: Random): string {
  const roll = random();
  if (roll < 0.7) return pick(random, STATEMENT_PREFIXES) + select(random, 0);
  if (roll < 0.77)
    return `update ${qualified(random)} set ${name(random)} = ${expression(random, 1)}${chance(random, 0.5) ? ` where ${expression(random, 1)}` : ""}`;
  if (roll < 0.84)
    return `delete from ${qualified(random)}${chance(random, 0.6) ? ` where ${expression(random, 1)}` : ""}`;
  if (roll < 0.9)
    return `drop ${pick(random, ["table", "view", "index"])} ${chance(random, 0.5) ? "if exists " : ""}${qualified(random)}`;
  if (roll < 0.95)
    return `insert into ${qualified(random)} values (${expression(random, 2)}, ${expression(random, 2)})`;
  const columns = Array.from(
    { length: 1 + Math.floor(random() * 3) },
    () =>
      `${name(random)} ${pick(random, TYPES)}${chance(random, 0.3) ? pick(random, [" primary key", " not null", " default 0", " unique", " references t(a)"]) : ""}`,
  );
  return `create table ${qualified(random)} (${columns.join(", ")})`;
}

const NOISE = [
  "(",
  ")",
  ",",
  ".",
  ";",
  "*",
  "select",
  "from",
  "where",
  "as",
  "on",
  "join",
  "not",
  "null",
  "in",
  "and",
  "'x'",
  "1",
  "a",
  '"q"',
  "case",
  "end",
  "over",
  "union",
  "with",
  "--",
  "/*",
  "*/",
  "=",
  "||",
  "?",
];

/** A token-level mutation of `sql`: delete, duplicate, swap or replace a token, or insert noise. */
export function mutate(random: Random, sql: string): string {
  const tokens = tokenize(sql);
  if (tokens.length === 0) return sql;
  const k = Math.floor(random() * tokens.length);
  const t = tokens[k]!;
  const roll = random();
  if (roll < 0.25) return sql.slice(0, t.start) + sql.slice(t.end);
  if (roll < 0.4) return sql.slice(0, t.end) + " " + sql.slice(t.start, t.end) + sql.slice(t.end);
  if (roll < 0.55 && k + 1 < tokens.length) {
    const u = tokens[k + 1]!;
    return (
      sql.slice(0, t.start) +
      sql.slice(u.start, u.end) +
      sql.slice(t.end, u.start) +
      sql.slice(t.start, t.end) +
      sql.slice(u.end)
    );
  }
  const noise = pick(random, NOISE);
  if (roll < 0.8) return sql.slice(0, t.start) + noise + sql.slice(t.end);
  return `${sql.slice(0, t.start)}${noise} ${sql.slice(t.start)}`;
}
