/**
 * Text positions for tests, the way an editor shows and applies them: cursors placed with a `|`
 * marker in a snippet of the source (as Volar's language-server tests do), answers written as
 * one-based `line:col`, and LSP text edits applied to a text.
 */
import type { Position, Range, TextEdit } from "vscode-languageserver-protocol";

/** Marks the cursor inside a snippet; snippets that need a literal "|" cannot be marked. */
export const CURSOR = "|";

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const offsetOf = (position: Position): number => {
    const lines = text.split("\n");
    let offset = 0;
    for (let line = 0; line < position.line; line++) offset += lines[line]!.length + 1;
    return offset + position.character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let result = text;
  for (const edit of sorted) {
    const start = offsetOf(edit.range.start);
    const end = offsetOf(edit.range.end);
    result = result.slice(0, start) + edit.newText + result.slice(end);
  }
  return result;
}

/**
 * The position of the `occurrence`-th match of `needle` in `text` (plus `offset` characters).
 * Prefer `cursorAt`: a marker in the snippet needs no counting.
 */
export function positionOf(text: string, needle: string, offset = 0, occurrence = 1): Position {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`"${needle}" (occurrence ${occurrence}) not found`);
  }
  return positionAt(text, index + offset);
}

/**
 * The cursor where the `|` stands in `marked`, once `marked` without it is found in `text`:
 * `cursorAt(text, "deps: [stg_|orders]")` is the position before the "o" of that dep.
 */
export function cursorAt(text: string, marked: string, occurrence?: number): Position {
  const [offset] = markedOffsets(text, marked, 1, occurrence);
  return positionAt(text, offset!);
}

/** The range between the two `|` in `marked`: `spanAt(text, 'deps: ["|raw_customers|"]')`. */
export function spanAt(text: string, marked: string, occurrence?: number): Range {
  const [start, end] = markedOffsets(text, marked, 2, occurrence);
  return { start: positionAt(text, start!), end: positionAt(text, end!) };
}

/** One-based `line:col`, as editors show a position and as `file:line:col` links open it. */
export function lineCol(position: Position): string {
  return `${position.line + 1}:${position.character + 1}`;
}

/** One-based `line:col-line:col` of a range. */
export function lineColSpan(range: Range): string {
  return `${lineCol(range.start)}-${lineCol(range.end)}`;
}

/** The zero-based LSP position of a character offset in `text`. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}

/**
 * The text offsets of the markers in `marked`. Without an `occurrence`, the snippet must occur
 * exactly once: a cursor silently placed in the first of two matches is the bug these tests hunt.
 */
function markedOffsets(text: string, marked: string, markers: number, occurrence: number | undefined): number[] {
  const parts = marked.split(CURSOR);
  if (parts.length !== markers + 1) throw new Error(`"${marked}" must hold exactly ${markers} "${CURSOR}" marker(s)`);
  const snippet = parts.join("");
  const matches: number[] = [];
  for (let index = text.indexOf(snippet); index !== -1; index = text.indexOf(snippet, index + 1)) matches.push(index);
  if (matches.length === 0) throw new Error(`"${snippet}" is not in the text`);
  if (occurrence === undefined && matches.length > 1) {
    throw new Error(`"${snippet}" occurs ${matches.length} times: lengthen the snippet or pass which occurrence`);
  }
  const index = matches[(occurrence ?? 1) - 1];
  if (index === undefined) throw new Error(`"${snippet}" occurs ${matches.length} times, not ${occurrence}`);
  const offsets: number[] = [];
  let offset = index;
  for (const part of parts.slice(0, -1)) offsets.push((offset += part.length));
  return offsets;
}
