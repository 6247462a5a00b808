/**
 * Facts live as long as the analysis (the language server's whole session), and at 3,000 files
 * there are ~130,000 effect and column facts. Two V8 behaviours make them cost more than their
 * contents: an array filled by `push` keeps room for 17 elements (152 bytes for one or two), and a
 * substring of 13 or more characters is a view that keeps the whole string it was cut from alive
 * (a table name keeps its SQL text). Facts that are kept are stored through this helper and
 * ../flatStrings.ts.
 */

/** The same elements without spare capacity. */
export function exactArray<T>(items: T[]): T[] {
  return items.slice();
}
