import type { SourceLocation } from "../../model/definitions";
import type { FileFacts } from "../facts";

/**
 * One file's facts as a line of JSON, and back, for the facts cache (factsCache.ts).
 *
 * Facts are plain data (the scan threads already send them as structured clones), but JSON
 * cannot say `undefined`, a Map or -0, and a location is five objects. So: `undefined` is
 * written as `null` (facts never hold a real null), a Map as `{"\u0000m": entries}`, a location
 * as `[startLine, startCharacter, endLine, endCharacter]` (and its file when it is not the
 * facts' own). That halves the objects to read back: 37 MB and ~0.7 s for 3,000 files, against
 * 53 MB and 1.2 s by `v8.serialize`, and 4 s to scan them again.
 *
 * What this cannot give back exactly (a null, NaN, -0, a Set, an object of a class, a key
 * spelled like the Map marker) makes the file uncacheable: it is scanned again next time rather
 * than read back different. The round trip is tested on every fixture and a generated workspace.
 */

const MAP = "\u0000m";

/** Keys whose values are SourceLocations, wherever they occur in facts. */
function isLocationKey(key: string): boolean {
  return key === "location" || key === "declaredAsLocation";
}

class Uncacheable extends Error {}

/** The facts as one line of JSON without their text; undefined when they cannot be kept exactly. */
export function encodeFacts(facts: FileFacts): string | undefined {
  const file = facts.file;
  try {
    return JSON.stringify(facts, function replace(this: unknown, key: string, value: unknown): unknown {
      if (this === facts && key === "text") return undefined; // the text is the cache's key, read again
      if (value === undefined) return null;
      switch (typeof value) {
        case "number":
          if (!Number.isFinite(value) || Object.is(value, -0)) throw new Uncacheable();
          return value;
        case "object":
          if (value === null) throw new Uncacheable();
          if (isLocationKey(key)) return compactLocation(value, file);
          if (value instanceof Map) return { [MAP]: [...(value as Map<unknown, unknown>)] };
          if (Array.isArray(value)) return value;
          if (Object.getPrototypeOf(value) !== Object.prototype || Object.hasOwn(value, MAP)) throw new Uncacheable();
          return value;
        case "string":
        case "boolean":
          return value;
        default:
          throw new Uncacheable(); // functions, symbols, bigints: not data facts hold
      }
    });
  } catch (error) {
    if (error instanceof Uncacheable) return undefined;
    throw error;
  }
}

function compactLocation(value: object, file: string): number[] | [number, number, number, number, string] {
  const location = value as Partial<SourceLocation>;
  const range = location.range;
  if (
    Object.keys(value).length !== 2 ||
    typeof location.file !== "string" ||
    range === undefined ||
    !isPosition(range.start) ||
    !isPosition(range.end)
  )
    throw new Uncacheable();
  const compact = [range.start.line, range.start.character, range.end.line, range.end.character];
  return location.file === file ? compact : ([...compact, location.file] as [number, number, number, number, string]);
}

function isPosition(value: unknown): value is { line: number; character: number } {
  if (typeof value !== "object" || value === null || Object.keys(value).length !== 2) return false;
  const { line, character } = value as { line?: unknown; character?: unknown };
  return Number.isInteger(line) && Number.isInteger(character);
}

/** The facts `encodeFacts` wrote, for `text` (the text they were read from). Throws on a line it did not write. */
export function decodeFacts(line: string, text: string): FileFacts {
  const stored = JSON.parse(line) as Record<string, unknown>;
  if (typeof stored !== "object" || stored === null || typeof stored.file !== "string") throw new Error("not facts");
  const facts = revive(stored, stored.file) as Omit<FileFacts, "text">;
  // In the scanner's order, so that cached facts have the shape scanned ones have.
  return {
    file: facts.file,
    text,
    imports: facts.imports,
    exports: facts.exports,
    starExports: facts.starExports,
    declarations: facts.declarations,
    calls: facts.calls,
    diagnostics: facts.diagnostics,
    syntaxErrors: facts.syntaxErrors,
    skipped: facts.skipped,
  };
}

/** Undoes the encoding in place: nulls, Maps and locations; `file` is the facts' own. */
function revive(value: object, file: string): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object") value[i] = item === null ? undefined : revive(item as object, file);
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  const entries = record[MAP];
  if (entries !== undefined) {
    const map = new Map<unknown, unknown>();
    for (const [key, item] of entries as Array<[unknown, unknown]>)
      map.set(key, typeof item === "object" ? (item === null ? undefined : revive(item as object, file)) : item);
    return map;
  }
  for (const key in record) {
    const item = record[key];
    if (typeof item !== "object") continue;
    if (item === null) record[key] = undefined;
    else if (isLocationKey(key)) record[key] = expandLocation(item as unknown[], file);
    else record[key] = revive(item as object, file);
  }
  return record;
}

function expandLocation(compact: unknown[], file: string): SourceLocation {
  return {
    file: compact.length > 4 ? (compact[4] as string) : file,
    range: {
      start: { line: compact[0] as number, character: compact[1] as number },
      end: { line: compact[2] as number, character: compact[3] as number },
    },
  };
}
