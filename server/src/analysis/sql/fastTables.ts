/**
 * The fast SQL path: a statement the narrow parser (fastParser.ts) is certain about is read
 * without sql-parser-cst, through the same table and column walkers, so its answer is the CST
 * path's answer at a fraction of the cost. Undefined means "not certain": the caller then
 * parses the statement with sql-parser-cst, which stays the reference.
 */

import { collectStatementColumns, type StatementColumns } from "./cstColumns";
import { collectCstTables } from "./cstTables";
import type { CstNode } from "./cstWalk";
import { NOT_CERTAIN, parseFastStatement } from "./fastParser";
import { normaliseTableName } from "./extractTables";
import type { SqlToken } from "./sqlTokens";
import type { TableMention } from "./tableMention";

export interface FastStatementTables {
  reads: TableMention[];
  writes: TableMention[];
  columns: StatementColumns;
}

/** Off with ASSETLINE_SQL_FAST_PATH=0 (to compare against the CST path alone), or from code. */
let enabled = process.env.ASSETLINE_SQL_FAST_PATH !== "0";

/** Turns the fast path on or off for this process (tests and benchmarks compare the two). */
export function useFastSqlPath(on: boolean): void {
  enabled = on;
}

export function fastSqlPathEnabled(): boolean {
  return enabled;
}

const NO_STATEMENT_COLUMNS: StatementColumns = { defines: [], references: [] };

/**
 * Tables and columns of the statement made of tokens [first, end) of `sql`, with offsets
 * relative to `base` (the statement's start); undefined when the fast path is not certain.
 */
export function fastStatementTables(
  sql: string,
  tokens: readonly SqlToken[],
  first: number,
  end: number,
  base: number,
): FastStatementTables | undefined {
  if (!enabled) return undefined;
  let tree: CstNode;
  try {
    tree = parseFastStatement(sql, tokens, first, end, base);
  } catch (error) {
    // Deep nesting overflows the recursive descent (RangeError): the CST path decides, as for a syntax error.
    if (error === NOT_CERTAIN || error instanceof RangeError) return undefined;
    throw error;
  }
  const tables: FastStatementTables = { reads: [], writes: [], columns: NO_STATEMENT_COLUMNS };
  collectCstTables(tree, (kind, parts, start, stop) => {
    (kind === "read" ? tables.reads : tables.writes).push({ name: normaliseTableName(parts), start, end: stop });
  });
  // Same order as the CST path: the walks use stacks, mentions arrive out of order.
  tables.reads.sort((a, b) => a.start - b.start);
  tables.writes.sort((a, b) => a.start - b.start);
  try {
    tables.columns = collectStatementColumns(tree);
  } catch {
    // As in the CST path: a walker failure leaves the statement's columns unknown, not the analysis broken.
  }
  return tables;
}
