/**
 * Model ranges ↔ LSP ranges, and the position arithmetic the features share. Paths ↔ URIs are
 * WorkspacePaths' (workspacePaths.ts).
 */
import type { Position, Range } from "vscode-languageserver";
import type { TextRange } from "../model/definitions";

/** A model range as an LSP range (same shape; copied so the protocol never holds model objects). */
export function toRange(range: TextRange): Range {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

/** True when `position` is inside `range`, both ends included (a cursor just after a word is on it). */
export function contains(range: TextRange, position: Position): boolean {
  return !isBefore(position, range.start) && !isBefore(range.end, position);
}

/** True when the two ranges share at least one position. */
export function overlaps(a: TextRange, b: TextRange): boolean {
  return !isBefore(a.end, b.start) && !isBefore(b.end, a.start);
}

function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** A size to compare nested ranges by, so the innermost match under the cursor wins. */
export function rangeSize(range: TextRange): number {
  return (range.end.line - range.start.line) * 1_000_000 + (range.end.character - range.start.character);
}
