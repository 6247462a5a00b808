/**
 * sql-parser-cst with a bounded cost per call, so one pathological statement cannot stall the
 * analysis (the caller falls back to the tolerant scan instead).
 *
 * Two limits, both deterministic (a result must not depend on machine load or on how deep
 * the call stack already is, since results are cached on disk):
 * - nesting: the parser recurses per level of parentheses, CASE and BEGIN, and overflows the
 *   stack at about 300 levels; past MAX_NESTING the parser is not called at all;
 * - work: the parser backtracks without memoisation, so a syntax error inside runs of bare
 *   parentheses costs about 3× per level (`from ((((((((select 1 +))))))))` took 0.5 s, two
 *   levels more 5 s). Every read of the input counts as a step, and the parse stops once it
 *   has taken more steps than a statement of its length ever needs (about 25 per character
 *   for real SQL, more for short statements).
 */
import type { ParserOptions } from "sql-parser-cst";
import { keywordId } from "./sqlKeywords";
import { PUNCT, releaseTokenList, tokenList, WORD, type SqlTokenList } from "./sqlTokens";

type SqlParser = typeof import("sql-parser-cst");
let loaded: SqlParser | undefined;

/**
 * Loaded at the first statement the fast path declines: the parser is 6 MB of source and ~13 MB
 * of heap, which a workspace whose SQL the fast path reads entirely never needs.
 */
function sqlParser(): SqlParser {
  loaded ??= require("sql-parser-cst") as SqlParser;
  return loaded;
}

/** Parentheses, CASE and BEGIN open at once beyond which the parser is not tried. */
export const MAX_NESTING = 100;
/** Steps any statement may take, plus STEPS_PER_CHARACTER for each of its characters. */
const BASE_STEPS = 50_000;
const STEPS_PER_CHARACTER = 100;

/** The statement would cost the parser more than its budget; the tolerant scan reads it instead. */
export class SqlTooComplexError extends Error {
  override readonly name = "SqlTooComplexError";
}

/**
 * `parse(sql, options)`, or a SqlTooComplexError once it exceeds the budget of `statements`
 * statements of that total length (several are parsed in one call to save its fixed cost).
 */
export function parseWithinBudget(sql: string, options: ParserOptions, statements = 1): ReturnType<SqlParser["parse"]> {
  const list = tokenList(sql);
  const depth = nestingDepth(list);
  releaseTokenList(list);
  if (depth > MAX_NESTING) {
    throw new SqlTooComplexError(`nested ${depth} levels deep, over the full parser's limit of ${MAX_NESTING}`);
  }
  const budget = BASE_STEPS * statements + STEPS_PER_CHARACTER * sql.length;
  // The parser reads its input only through these three methods: counting them on a String
  // object measures its work without a timer (the result would then depend on load).
  let steps = 0;
  const spend = (): void => {
    if (++steps > budget)
      throw new SqlTooComplexError(
        `too complex for the full parser (over ${budget} steps for ${sql.length} characters)`,
      );
  };
  const input = new String(sql) as string & { charCodeAt: typeof String.prototype.charCodeAt };
  Object.defineProperties(input, {
    charCodeAt: { value: (index: number) => (spend(), sql.charCodeAt(index)) },
    charAt: { value: (index: number) => (spend(), sql.charAt(index)) },
    substr: { value: (from: number, length?: number) => (spend(), sql.substr(from, length)) },
  });
  return sqlParser().parse(input, options);
}

const BEGIN = keywordId("begin");
const CASE = keywordId("case");
const END = keywordId("end");

/** The most parentheses, CASE and BEGIN blocks open at once among tokens [first, end) (strings and comments are tokens of their own). */
export function nestingDepth(list: SqlTokenList, first = 0, end = list.length): number {
  const { kinds, infos } = list;
  let depth = 0;
  let deepest = 0;
  for (let i = first; i < end; i++) {
    const kind = kinds[i]!;
    const info = infos[i]!;
    if ((kind === PUNCT && info === 40) || (kind === WORD && (info === CASE || info === BEGIN))) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if ((kind === PUNCT && info === 41) || (kind === WORD && info === END)) {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}
