/**
 * The shapes every SQL table walker shares: what a mention of a table is, and the callback the
 * CST walk and the fallback scan report raw mentions to. Kept apart from extractTables.ts so the
 * walkers do not import the module that imports them.
 */

export interface TableMention {
  /** Normalised: lower-case, unquoted, schema 'main'/'temp' dropped, other schemas kept as "schema.table". */
  name: string;
  /** Offsets into the given SQL text covering the name as written (for a.b, the whole a.b, quotes included). */
  start: number;
  end: number;
}

/** Receives raw mentions from the CST walk and the fallback scan: unquoted name parts and offsets. */
export type TableSink = (kind: "read" | "write", parts: string[], start: number, end: number) => void;
