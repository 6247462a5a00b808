/**
 * The `sql` tag: SQL text with its parameters kept apart, so that data never becomes SQL.
 *
 * A query is a brand-tagged plain object rather than a class instance because the user's
 * bundle and the engine's worker each carry their own copy of this module: `instanceof`
 * would fail across the two copies, a brand does not.
 */

/** A value bound as a query parameter. */
export type SqlParameter = string | number | bigint | boolean | null | Date | Uint8Array;

const SQL_BRAND = "__assetlineSql" as const;

/** SQL text with its parameters, made by the `sql` tag. */
export interface SqlQuery {
  readonly [SQL_BRAND]: "query";
  /** The literal parts; `values[i]` goes between `strings[i]` and `strings[i + 1]`. */
  readonly strings: readonly string[];
  readonly values: readonly SqlParameter[];
}

/** A table or column name, quoted where it is spliced: made by `sql.identifier`. */
export interface SqlIdentifier {
  readonly [SQL_BRAND]: "identifier";
  /** The name's parts, e.g. ["analytics", "orders"] for analytics.orders. */
  readonly parts: readonly string[];
}

/** What a `${...}` of the `sql` tag may hold: a bound value, a nested query, or an identifier. */
export type SqlFragment = SqlParameter | SqlQuery | SqlIdentifier;

/** The `sql` tag and its helpers. */
export interface SqlTag {
  (strings: TemplateStringsArray, ...values: readonly SqlFragment[]): SqlQuery;
  /** A quoted identifier: `sql.identifier("orders")`, or with a schema `sql.identifier("analytics", "orders")`. */
  identifier(...parts: readonly string[]): SqlIdentifier;
}

/**
 * Marks a template as SQL. Each `${value}` is a bound parameter (never pasted into the text);
 * a nested `sql` query is spliced with its own parameters; names go through `sql.identifier`.
 * The analysis reads the template's tables like any SQL given to `ctx.db` or `ctx.warehouse`.
 */
export const sql: SqlTag = Object.assign(
  (strings: TemplateStringsArray, ...values: readonly SqlFragment[]): SqlQuery => {
    const parts: string[] = [strings[0] ?? ""];
    const bound: SqlParameter[] = [];
    const append = (text: string): void => void (parts[parts.length - 1] += text);
    values.forEach((value, i) => {
      if (isSqlQuery(value)) {
        append(value.strings[0] ?? "");
        value.values.forEach((nested, k) => {
          bound.push(nested);
          parts.push(value.strings[k + 1] ?? "");
        });
      } else if (isSqlIdentifier(value)) {
        append(value.parts.map(quoteIdentifier).join("."));
      } else {
        bound.push(value);
        parts.push("");
      }
      append(strings[i + 1] ?? "");
    });
    return Object.freeze({
      [SQL_BRAND]: "query" as const,
      strings: Object.freeze(parts),
      values: Object.freeze(bound),
    });
  },
  {
    identifier(...parts: readonly string[]): SqlIdentifier {
      if (parts.length === 0 || parts.some((part) => typeof part !== "string" || part === "")) {
        throw new TypeError('sql.identifier needs one or more non-empty names, e.g. sql.identifier("orders")');
      }
      return Object.freeze({ [SQL_BRAND]: "identifier" as const, parts: Object.freeze([...parts]) });
    },
  },
);

/** True for a query made by the `sql` tag (of any copy of this module). */
export function isSqlQuery(value: unknown): value is SqlQuery {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SQL_BRAND] === "query";
}

function isSqlIdentifier(value: unknown): value is SqlIdentifier {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SQL_BRAND] === "identifier";
}

/** Double quotes work as identifier quotes in SQLite and PostgreSQL alike; an embedded one is doubled. */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The text of `query` with `$1`, `$2`, ... for its parameters (PostgreSQL's placeholders, which
 * SQLite also binds by name), and the parameters in that order.
 */
export function renderSql(query: SqlQuery): { text: string; values: readonly SqlParameter[] } {
  let text = query.strings[0] ?? "";
  for (let i = 0; i < query.values.length; i++) text += `$${i + 1}${query.strings[i + 1] ?? ""}`;
  return { text, values: query.values };
}
