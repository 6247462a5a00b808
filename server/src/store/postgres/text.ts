/**
 * PostgreSQL text cannot hold NUL characters, which SQLite (and the event log's contract)
 * accepts anywhere: a key, a selection, a message. Such a string is stored as a marker
 * character followed by its JSON form, and so is any string that itself starts with the
 * marker, so decoding is exact. Every other string (all real ones) is stored as it is, so the
 * tables stay readable with psql, and equality on keys still works through the same encoding.
 */
const MARKER = "\u0001";

/** The column value for `value`. */
export function toPg(value: string): string;
export function toPg(value: string | null): string | null;
export function toPg(value: string | null): string | null {
  if (value === null) return null;
  return value.includes("\u0000") || value.startsWith(MARKER) ? MARKER + JSON.stringify(value) : value;
}

/** The string a column value stands for. */
export function fromPg(value: string): string;
export function fromPg(value: string | null): string | null;
export function fromPg(value: string | null): string | null {
  if (value === null || !value.startsWith(MARKER)) return value;
  return JSON.parse(value.slice(MARKER.length)) as string;
}
