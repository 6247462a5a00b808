/**
 * Metadata returned by user code, made fit for the event log. It crosses IPC as JSON, is stored
 * in every MATERIALIZATION and CHECK_EVALUATION row, and is printed by `assetline logs`, so it is
 * bounded per step, and encoded faithfully where JSON.stringify would throw or lie:
 * - a BigInt is a number when it is a safe integer, else its exact decimal digits (as a string
 *   at the top level, as a JSON number inside nested values);
 * - a circular reference becomes `"[Circular: metadata.a.b]"`, naming what it points back to;
 * - nested values (objects, arrays) are kept as JSON text, down to MAX_DEPTH levels;
 * - strings, nested JSON and the whole are capped; whatever was cut is said in a note, which
 *   the worker logs as a warning of the step, so the run says what happened.
 */
import type { Metadata } from "../../../../sdk";

/** The caps, per step. Generous for row counts and summaries; a data dump belongs in a table. */
export const METADATA_LIMITS = {
  /** Characters of one value (a string, or a nested value's JSON). */
  maxValueChars: 16 * 1024,
  /** Characters of the whole metadata as JSON. */
  maxTotalChars: 64 * 1024,
  /** Levels of nesting inside one value. */
  maxDepth: 8,
  maxEntries: 200,
} as const;

export interface NormalizedMetadata {
  readonly metadata: Metadata;
  /** What was changed to fit, in the user's terms (`metadata.payload: …`); empty when nothing. */
  readonly notes: readonly string[];
}

/** `value` (what the step returned as `metadata`) as bounded, JSON-safe metadata, with notes. */
export function normalizeMetadata(value: unknown): NormalizedMetadata {
  const notes: string[] = [];
  if (value === undefined || value === null) return { metadata: {}, notes };
  if (typeof value !== "object" || Array.isArray(value)) {
    notes.push(
      `metadata must be an object of named values; got ${Array.isArray(value) ? "an array" : typeof value}, ` +
        "so none was recorded",
    );
    return { metadata: {}, notes };
  }
  const metadata: Metadata = {};
  const entries = Object.entries(value as Record<string, unknown>);
  let total = 2;
  let kept = 0;
  for (const [key, entry] of entries) {
    if (kept >= METADATA_LIMITS.maxEntries) {
      notes.push(`metadata has ${entries.length} entries; kept the first ${METADATA_LIMITS.maxEntries}`);
      break;
    }
    const encoded = scalar(entry, `metadata.${key}`, value, notes);
    if (encoded === undefined) continue;
    const size = JSON.stringify(key).length + JSON.stringify(encoded).length + 2;
    if (total + size > METADATA_LIMITS.maxTotalChars) {
      notes.push(
        `metadata is over ${METADATA_LIMITS.maxTotalChars / 1024} KB as JSON; ` +
          `kept ${kept} of ${entries.length} entries (dropped from "${key}" on)`,
      );
      break;
    }
    metadata[key] = encoded;
    total += size;
    kept += 1;
  }
  return { metadata, notes };
}

/** One top-level value as a metadata value; undefined to leave it out (as JSON does). */
function scalar(
  entry: unknown,
  path: string,
  root: object,
  notes: string[],
): string | number | boolean | null | undefined {
  if (entry === null || typeof entry === "boolean") return entry;
  if (typeof entry === "number") return Number.isFinite(entry) ? entry : String(entry);
  if (typeof entry === "bigint") return Number.isSafeInteger(Number(entry)) ? Number(entry) : entry.toString();
  if (typeof entry === "string") return capped(entry, path, notes);
  if (entry === undefined || typeof entry === "function" || typeof entry === "symbol") return undefined;
  const ancestors = new Map<object, string>([[root, "metadata"]]);
  return capped(toJson(entry, path, ancestors, 1, notes), path, notes);
}

function capped(text: string, path: string, notes: string[]): string {
  if (text.length <= METADATA_LIMITS.maxValueChars) return text;
  notes.push(
    `${path} is ${text.length.toLocaleString("en")} characters; ` +
      `kept the first ${METADATA_LIMITS.maxValueChars.toLocaleString("en")}`,
  );
  return `${text.slice(0, METADATA_LIMITS.maxValueChars)}… [truncated]`;
}

/**
 * JSON text of a nested value. `ancestors` maps each object on the current path to its own
 * path, so a reference back up the path is a cycle (a shared object seen twice is not).
 */
function toJson(value: unknown, path: string, ancestors: Map<object, string>, depth: number, notes: string[]): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case "boolean":
      return String(value);
    case "bigint":
      return value.toString(); // exact digits: valid JSON number text
    case "undefined":
    case "function":
    case "symbol":
      return "null";
    default:
      break;
  }
  const object = value as object;
  const target = ancestors.get(object);
  if (target !== undefined) return JSON.stringify(`[Circular: ${target}]`);
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    try {
      return toJson(toJSON.call(object), path, ancestors, depth, notes);
    } catch (error) {
      return JSON.stringify(`[toJSON failed: ${error instanceof Error ? error.message : String(error)}]`);
    }
  }
  if (depth > METADATA_LIMITS.maxDepth) {
    notes.push(`${path} is nested deeper than ${METADATA_LIMITS.maxDepth} levels; the deeper values were left out`);
    return JSON.stringify(`[Truncated: deeper than ${METADATA_LIMITS.maxDepth} levels]`);
  }
  ancestors.set(object, path);
  try {
    if (value instanceof Map) value = Object.fromEntries(value);
    else if (value instanceof Set) value = [...value];
    if (Array.isArray(value)) {
      const items = value.map((item, index) => toJson(item, `${path}[${index}]`, ancestors, depth + 1, notes));
      return `[${items.join(",")}]`;
    }
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      parts.push(`${JSON.stringify(key)}:${toJson(item, `${path}.${key}`, ancestors, depth + 1, notes)}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    ancestors.delete(object);
  }
}
