/**
 * The fast SQL path: a statement the narrow parser (fastParser.ts) is certain about is read
 * without sql-parser-cst, in one pass that notes what the CST path's walkers would find
 * (fastFacts.ts), so its answer is the CST path's answer at a fraction of the cost. Undefined
 * means "not certain": the caller then parses the statement with sql-parser-cst, which stays
 * the reference.
 */

import type { FastStatementTables } from "./fastFacts";
import { NOT_CERTAIN, parseFastStatement } from "./fastParser";
import type { SqlTokenList } from "./sqlTokens";

export type { FastStatementTables } from "./fastFacts";

/** Off with ASSETLINE_SQL_FAST_PATH=0 (to compare against the CST path alone), or from code. */
let enabled = process.env.ASSETLINE_SQL_FAST_PATH !== "0";

/** Turns the fast path on or off for this process (tests and benchmarks compare the two). */
export function useFastSqlPath(on: boolean): void {
  enabled = on;
}

export function fastSqlPathEnabled(): boolean {
  return enabled;
}

/**
 * Tables and columns of the statement made of tokens [first, end) of the list's SQL, with
 * offsets relative to `base` (the statement's start); undefined when the fast path is not certain.
 */
export function fastStatementTables(
  tokens: SqlTokenList,
  first: number,
  end: number,
  base: number,
): FastStatementTables | undefined {
  if (!enabled) return undefined;
  try {
    return parseFastStatement(tokens, first, end, base);
  } catch (error) {
    // Deep nesting overflows the recursive descent (RangeError): the CST path decides, as for a syntax error.
    if (error === NOT_CERTAIN || error instanceof RangeError) return undefined;
    throw error;
  }
}
