/**
 * Go to definition and find references, across every way an asset is mentioned: an
 * identifier or string key in `deps`, a `check()` target, a table name in SQL, an fs path.
 */
import type { Location, LocationLink, Position } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition } from "../model/definitions";
import type { Mention } from "./mentions";
import { SnapshotIndex } from "./snapshotIndex";
import { toRange } from "./uris";
import type { WorkspacePaths } from "./workspacePaths";

/**
 * Where the mention under the cursor is defined: the key of the asset it names (every
 * definition, when the key is duplicated), or of the assets producing the table or file.
 */
export function definitionAt(
  snapshot: AnalysisSnapshot,
  paths: WorkspacePaths,
  file: string,
  position: Position,
  linkSupport: boolean,
): Location[] | LocationLink[] | null {
  const index = SnapshotIndex.of(snapshot);
  const mention = index.mentionAt(file, position);
  if (!mention) return null;
  const targets = targetsOf(index, mention);
  if (targets.length === 0) return null;
  if (!linkSupport) return targets.map((target) => paths.toLocation(target.keyLocation));
  return targets.map((target) => ({
    // The whole mention is the link, e.g. the full table name inside the SQL string.
    originSelectionRange: toRange(mention.range),
    targetUri: paths.uriOf(target.keyLocation.file),
    targetRange: toRange(target.location.range),
    targetSelectionRange: toRange(target.keyLocation.range),
  }));
}

/** Every place that uses the asset under the cursor (and its definitions when asked). */
export function referencesAt(
  snapshot: AnalysisSnapshot,
  paths: WorkspacePaths,
  file: string,
  position: Position,
  includeDeclaration: boolean,
): Location[] | null {
  const index = SnapshotIndex.of(snapshot);
  const mention = index.mentionAt(file, position);
  if (!mention) return null;
  const locations: Location[] = [];
  const seen = new Set<string>();
  const add = (location: Location): void => {
    const id = `${location.uri}#${location.range.start.line}:${location.range.start.character}`;
    if (seen.has(id)) return;
    seen.add(id);
    locations.push(location);
  };
  for (const key of index.keysOf(mention)) {
    if (includeDeclaration)
      for (const definition of index.definitionsOf(key)) add(paths.toLocation(definition.keyLocation));
    for (const reference of index.referencesTo(key))
      add({ uri: paths.uriOf(reference.file), range: toRange(reference.mention.range) });
  }
  // Stable order (file, then position): the list does not reshuffle between two requests.
  return locations.sort(
    (a, b) =>
      (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character,
  );
}

function targetsOf(index: SnapshotIndex, mention: Mention): readonly AssetDefinition[] {
  if (mention.kind === "effect") return index.producersOf(mention.effect.resource);
  return index.keysOf(mention).flatMap((key) => index.definitionsOf(key));
}
