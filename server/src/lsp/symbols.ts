/**
 * Document symbols (assets and checks in the outline) and workspace symbols (Ctrl+T finds
 * assets by key, group, owner or kind).
 */
import { type DocumentSymbol, type SymbolInformation, SymbolKind } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition, TextRange } from "../model/definitions";
import { toRange } from "./uris";
import type { WorkspacePaths } from "./workspacePaths";

/** Icons users already read: a class builds something, an interface describes outside data, a method runs against its asset. */
const ASSET_KIND = SymbolKind.Class;
const SOURCE_KIND = SymbolKind.Interface;
const CHECK_KIND = SymbolKind.Method;
/** Enough for a picker; the client narrows further as the user types. */
const MAX_WORKSPACE_SYMBOLS = 500;

/** The outline of one file: its assets and sources, with the checks of each nested under it. */
export function documentSymbols(snapshot: AnalysisSnapshot, file: string): DocumentSymbol[] {
  const assets = snapshot.assets.filter((asset) => asset.location.file === file);
  const checks = snapshot.checks.filter((check) => check.location.file === file);
  const symbols = new Map<string, DocumentSymbol>();
  const result: DocumentSymbol[] = [];
  for (const asset of assets) {
    const symbol: DocumentSymbol = {
      name: asset.key,
      detail: [asset.kind === "source" ? "source" : undefined, asset.group].filter(Boolean).join(" · ") || undefined,
      kind: asset.kind === "source" ? SOURCE_KIND : ASSET_KIND,
      range: toRange(
        spanning(asset.location.range, asset.keyLocation.file === file ? asset.keyLocation.range : undefined),
      ),
      selectionRange: toRange(asset.keyLocation.file === file ? asset.keyLocation.range : asset.location.range),
      children: [],
    };
    result.push(symbol);
    if (!symbols.has(asset.key)) symbols.set(asset.key, symbol);
  }
  for (const check of checks) {
    const symbol: DocumentSymbol = {
      name: check.name,
      detail: `check of ${check.assetKey ?? check.targetText}${check.blocking ? " · blocking" : ""}`,
      kind: CHECK_KIND,
      range: toRange(check.location.range),
      selectionRange: toRange(check.location.range),
    };
    const parent = check.assetKey === undefined ? undefined : symbols.get(check.assetKey);
    if (parent) parent.children!.push(symbol);
    else result.push(symbol);
  }
  return result.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

/** The same outline flattened, for clients without hierarchical symbol support. */
export function flatDocumentSymbols(
  snapshot: AnalysisSnapshot,
  file: string,
  paths: WorkspacePaths,
): SymbolInformation[] {
  const flat: SymbolInformation[] = [];
  const visit = (symbol: DocumentSymbol, container: string | undefined): void => {
    flat.push({
      name: symbol.name,
      kind: symbol.kind,
      location: { uri: paths.uriOf(file), range: symbol.range },
      containerName: container,
    });
    for (const child of symbol.children ?? []) visit(child, symbol.name);
  };
  for (const symbol of documentSymbols(snapshot, file)) visit(symbol, undefined);
  return flat;
}

interface Match {
  readonly asset: AssetDefinition;
  /** Lower is better: 0 key prefix, 1 key substring, 2 key subsequence, 3 attribute. */
  readonly rank: number;
  /** The attribute that matched when the key did not ("group:staging"). */
  readonly via: string | undefined;
}

/**
 * Assets and sources matching every word of the query against the key, or else the group,
 * an owner or a kind. `group:x`, `owner:y`, `kind:z` words match only that attribute.
 * When an attribute matched, the symbol's name says so ("stg_orders · group:staging"):
 * clients such as VS Code filter results by name, and would otherwise hide them.
 */
export function workspaceSymbols(
  snapshot: AnalysisSnapshot,
  paths: WorkspacePaths,
  query: string,
): SymbolInformation[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const matches: Match[] = [];
  for (const asset of snapshot.assets) {
    const match = matchAsset(asset, words);
    if (match) matches.push(match);
  }
  matches.sort((a, b) => a.rank - b.rank || (a.asset.key < b.asset.key ? -1 : a.asset.key > b.asset.key ? 1 : 0));
  return matches.slice(0, MAX_WORKSPACE_SYMBOLS).map(({ asset, via }) => ({
    name: via ? `${asset.key} · ${via}` : asset.key,
    kind: asset.kind === "source" ? SOURCE_KIND : ASSET_KIND,
    location: paths.toLocation(asset.keyLocation),
    containerName: [asset.group, ...asset.owners].filter(Boolean).join(" · ") || undefined,
  }));
}

function matchAsset(asset: AssetDefinition, words: readonly string[]): Match | undefined {
  let rank = 0;
  let via: string | undefined;
  const key = asset.key.toLowerCase();
  for (const word of words) {
    const colon = word.indexOf(":");
    const scope = colon > 0 ? word.slice(0, colon) : undefined;
    const scoped = scope === "group" || scope === "owner" || scope === "kind";
    if (!scoped) {
      const keyRank = key.startsWith(word) ? 0 : key.includes(word) ? 1 : isSubsequence(word, key) ? 2 : undefined;
      if (keyRank !== undefined) {
        rank = Math.max(rank, keyRank);
        continue;
      }
    }
    // Attributes are looked at only when the key did not match: most queries stop above.
    const attribute = scoped ? scopedAttribute(asset, scope, word.slice(colon + 1)) : anyAttribute(asset, word);
    if (!attribute) return undefined;
    rank = 3;
    via ??= attribute;
  }
  return { asset, rank, via };
}

/** `group:sta` → "group:staging" when the group starts with "sta" (any value for `group:`). */
function scopedAttribute(
  asset: AssetDefinition,
  scope: "group" | "owner" | "kind",
  prefix: string,
): string | undefined {
  const values =
    scope === "group"
      ? asset.group === undefined
        ? []
        : [asset.group]
      : scope === "owner"
        ? asset.owners
        : asset.kinds;
  const value = values.find((candidate) => candidate.toLowerCase().startsWith(prefix));
  return value === undefined ? undefined : `${scope}:${value}`;
}

/** The first of group, owners and kinds containing `word`, as "group:staging". */
function anyAttribute(asset: AssetDefinition, word: string): string | undefined {
  if (asset.group?.toLowerCase().includes(word)) return `group:${asset.group}`;
  const owner = asset.owners.find((candidate) => candidate.toLowerCase().includes(word));
  if (owner !== undefined) return `owner:${owner}`;
  const kind = asset.kinds.find((candidate) => candidate.toLowerCase().includes(word));
  return kind === undefined ? undefined : `kind:${kind}`;
}

function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const char of haystack) if (char === needle[at] && ++at === needle.length) return true;
  return needle.length === 0;
}

/** The smallest range covering both (a key written before the call, as in `export const k = asset(...)`). */
function spanning(range: TextRange, other: TextRange | undefined): TextRange {
  if (!other) return range;
  const before = (a: TextRange["start"], b: TextRange["start"]) =>
    a.line < b.line || (a.line === b.line && a.character < b.character);
  return {
    start: before(other.start, range.start) ? other.start : range.start,
    end: before(range.end, other.end) ? other.end : range.end,
  };
}
