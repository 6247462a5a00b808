/**
 * Readers for data that crossed a trust boundary (a webview message, a server answer relayed
 * to the webview): each returns undefined for anything that is not exactly the expected shape,
 * so the typed parsers built on them never pass half-read data on.
 */

/** Longest string accepted from the other side; keys are short, messages are one line. */
const MAX_STRING = 4096;
const MAX_ITEMS = 100_000;

export function object(raw: unknown): Record<string, unknown> | undefined {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
}

export function string(raw: unknown): string | undefined {
  return typeof raw === "string" && raw.length <= MAX_STRING ? raw : undefined;
}

export function nonEmpty(raw: unknown): string | undefined {
  const text = string(raw);
  return text === "" ? undefined : text;
}

export function number(raw: unknown): number | undefined {
  return typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
}

/** Every item must parse, or the whole list is rejected: a half-read graph would mislead. */
export function list<T>(raw: unknown, item: (value: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_ITEMS) return undefined;
  const out: T[] = [];
  for (const value of raw) {
    const parsed = item(value);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

/** undefined stays undefined; anything else must parse, or the result is null (malformed). */
export function optional<T>(raw: unknown, item: (value: unknown) => T | undefined): T | undefined | null {
  if (raw === undefined || raw === null) return undefined;
  const parsed = item(raw);
  return parsed === undefined ? null : parsed;
}
