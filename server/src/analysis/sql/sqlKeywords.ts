/**
 * The words the SQL tokenizer recognises as it reads (sqlTokens.ts): every keyword the fast
 * parser and the statement splitter ask about, each with a small id, so a token records which
 * keyword it is without a lower-cased copy of its text, and a parser question is a number or a
 * pointer comparison, not a string comparison.
 */

/** Reserved somewhere in sql-parser-cst's SQLite dialect: never accepted as a name. */
const RESERVED_WORDS =
  "add all alter and as autoincrement between case cast check collate commit constraint create cross default " +
  "deferrable delete distinct drop else escape except exists foreign from full glob group groups having in index " +
  "indexed inner insert intersect into is isnull join left like limit match natural not nothing notnull null on or " +
  "order outer primary raise references regexp returning right select set table then to transaction union unique " +
  "update using values when where window";

/** Keywords sql-parser-cst lets stand as names, but only where no clause could start: never an implicit alias. */
const SOFT_WORDS =
  "abort action after always analyze asc attach before begin by cascade column conflict current current_date " +
  "current_time current_timestamp database deferred desc detach do each end exclude exclusive explain fail filter " +
  "first following for generated if ignore immediate initially instead key last materialized no nulls of offset " +
  "others over partition plan pragma preceding query range recursive reindex release rename replace restrict " +
  "rollback row rows savepoint temp temporary ties trigger unbounded vacuum view virtual with without true false";

/** Type names sql-parser-cst reads as a keyword (so a cast's type never looks like a column). */
const TYPE_WORDS =
  "integer int bigint smallint tinyint text real numeric blob float double decimal varchar char date datetime boolean";

/** Words sql-parser-cst reads as values wherever an expression may stand (so never as a table name). */
const VALUE_WORDS = "true false current_date current_time current_timestamp";

/**
 * Id 0 is "no keyword". Property keys are internalized strings in V8: a keyword handed out from
 * here is the very string of the same literal in the parser, so comparing the two is a pointer check.
 */
export const KEYWORDS: readonly string[] = [
  "",
  ...Object.keys(Object.fromEntries(`${RESERVED_WORDS} ${SOFT_WORDS} ${TYPE_WORDS}`.split(" ").map((w) => [w, 0]))),
];

const ids = new Map(KEYWORDS.map((word, id) => [word, id]));

/** The id of `word` (lower-case), 0 when it is no keyword. */
export function keywordId(word: string): number {
  return ids.get(word) ?? 0;
}

function flagsOf(words: string): Uint8Array {
  const flags = new Uint8Array(KEYWORDS.length);
  for (const word of words.split(" ")) flags[keywordId(word)] = 1;
  return flags;
}

/** By keyword id: reserved, so never a name. */
export const IS_RESERVED = flagsOf(RESERVED_WORDS);
/** By keyword id: reserved or a value word, so never a name (sql-parser-cst reads those as values). */
export const BLOCKS_NAME = flagsOf(`${RESERVED_WORDS} ${VALUE_WORDS}`);
/** By keyword id: may stand as a name, but never as an implicit alias. */
export const IS_SOFT = flagsOf(SOFT_WORDS);
/** By keyword id: a type name. */
export const IS_TYPE = flagsOf(TYPE_WORDS);

/** The keyword table's slots: keyword ids by a hash of the lower-case characters (open addressing). */
const SLOTS = 1024;
const slots = new Uint16Array(SLOTS);

/** The hash the tokenizer computes as it reads a word's characters, lower-cased ASCII. */
export function hashStep(hash: number, lowerCode: number): number {
  return (Math.imul(hash, 31) + lowerCode) | 0;
}

function slotOf(hash: number): number {
  return (hash ^ (hash >>> 10)) & (SLOTS - 1);
}

for (let id = 1; id < KEYWORDS.length; id++) {
  const word = KEYWORDS[id]!;
  let hash = 0;
  for (let k = 0; k < word.length; k++) hash = hashStep(hash, word.charCodeAt(k));
  let slot = slotOf(hash);
  while (slots[slot] !== 0) slot = (slot + 1) & (SLOTS - 1);
  slots[slot] = id;
}

/**
 * The keyword id of the ASCII word sql[start, end) whose lower-cased characters hash to `hash`,
 * 0 when it is no keyword; compared character by character, case-insensitively.
 */
export function asciiKeywordAt(sql: string, start: number, end: number, hash: number): number {
  const length = end - start;
  for (let slot = slotOf(hash); ; slot = (slot + 1) & (SLOTS - 1)) {
    const id = slots[slot]!;
    if (id === 0) return 0;
    const word = KEYWORDS[id]!;
    if (word.length !== length) continue;
    let k = 0;
    while (k < length) {
      const c = sql.charCodeAt(start + k);
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(k)) break;
      k++;
    }
    if (k === length) return id;
  }
}
