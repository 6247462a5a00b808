import type { AssetDefinition, Position } from "../../model/definitions";
import { producedTable } from "../../model/columnCatalog";
import { tokenTexts } from "../codeVersion";

const PLACEHOLDER = "\u0001key\u0001";

/**
 * True when two definitions are the same once each one's key (and the table its key names,
 * and its const) is replaced by a placeholder: the second is the first, renamed. Tokens are
 * compared, so formatting and comments do not count, as for code versions.
 */
export function sameOnceRenamed(
  removed: AssetDefinition,
  removedText: string | undefined,
  added: AssetDefinition,
  addedText: string | undefined,
): boolean {
  if (removedText === undefined || addedText === undefined || removed.kind !== added.kind) return false;
  const before = renameSignature(removed, removedText);
  return before !== undefined && before === renameSignature(added, addedText);
}

function renameSignature(asset: AssetDefinition, text: string): string | undefined {
  const start = offsetOf(text, asset.location.range.start);
  const end = offsetOf(text, asset.location.range.end);
  if (start === undefined || end === undefined || end <= start) return undefined;
  const names = [asset.key, producedTable(asset), asset.exportName].filter((name): name is string => !!name);
  const pattern = new RegExp(
    `(?<![\\w$])(?:${names
      .map(escape)
      .sort((a, b) => b.length - a.length)
      .join("|")})(?![\\w$])`,
    "gi",
  );
  return tokenTexts(text, start, end)
    .map((token) => token.replace(pattern, PLACEHOLDER))
    .join("\u0000");
}

function offsetOf(text: string, position: Position): number | undefined {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return undefined;
    offset = next + 1;
  }
  return offset + position.character;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
