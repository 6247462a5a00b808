import type { BodyColumns } from "../../model/columns";
import type { AssetDefinition, CheckDefinition, Effect, SourceLocation } from "../../model/definitions";

/**
 * Field-by-field equality of definitions, so a re-link can hand back the previous objects for
 * definitions an edit left alone (everything derived from them stays valid by identity).
 * Every field a consumer can see takes part: adding a field to a definition means adding it here.
 */

/** True when a consumer could not tell the two assets apart. */
export function sameAsset(a: AssetDefinition, b: AssetDefinition): boolean {
  return (
    a.key === b.key &&
    a.kind === b.kind &&
    a.codeVersion === b.codeVersion &&
    a.exportName === b.exportName &&
    a.exported === b.exported &&
    a.group === b.group &&
    a.description === b.description &&
    a.freshness?.maxLagMinutes === b.freshness?.maxLagMinutes &&
    JSON.stringify(a.automation) === JSON.stringify(b.automation) &&
    sameLocation(a.location, b.location) &&
    sameLocation(a.keyLocation, b.keyLocation) &&
    sameStrings(a.owners, b.owners) &&
    sameStrings(a.kinds, b.kinds) &&
    sameTags(a.tags, b.tags) &&
    sameList(
      a.deps,
      b.deps,
      (x, y) => x.key === y.key && x.via === y.via && x.text === y.text && sameLocation(x.location, y.location),
    ) &&
    sameList(a.reads, b.reads, sameEffect) &&
    sameList(a.writes, b.writes, sameEffect) &&
    sameColumns(a.columns, b.columns)
  );
}

/** True when a consumer could not tell the two checks apart. */
export function sameCheck(a: CheckDefinition, b: CheckDefinition): boolean {
  return (
    a.name === b.name &&
    a.assetKey === b.assetKey &&
    a.targetText === b.targetText &&
    a.exportName === b.exportName &&
    a.exported === b.exported &&
    a.blocking === b.blocking &&
    a.description === b.description &&
    a.codeVersion === b.codeVersion &&
    sameLocation(a.targetLocation, b.targetLocation) &&
    sameLocation(a.location, b.location)
  );
}

/** Compared only when a re-link asks: a cold analysis keeps no signature string per body. */
function sameColumns(a: BodyColumns, b: BodyColumns): boolean {
  if (a === b) return true;
  return (
    a.partial === b.partial &&
    JSON.stringify(a.defined) === JSON.stringify(b.defined) &&
    sameList(
      a.references,
      b.references,
      (x, y) =>
        x.table === y.table &&
        x.column === y.column &&
        x.qualified === y.qualified &&
        x.certain === y.certain &&
        sameRange(x.location, y.location),
    )
  );
}

function sameLocation(a: SourceLocation, b: SourceLocation): boolean {
  return a.file === b.file && sameRange(a, b);
}

function sameRange(a: SourceLocation, b: SourceLocation): boolean {
  const x = a.range;
  const y = b.range;
  return (
    x.start.line === y.start.line &&
    x.start.character === y.start.character &&
    x.end.line === y.end.line &&
    x.end.character === y.end.character
  );
}

function sameEffect(a: Effect, b: Effect): boolean {
  return a.resource === b.resource && sameLocation(a.location, b.location);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return sameList(a, b, (x, y) => x === y);
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  // Key order matters too: it shows in serialised output.
  return keys.every((key, i) => Object.keys(b)[i] === key && a[key] === b[key]);
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}
