/** Applies LSP text edits to a text, the way an editor does (edits never overlap). */
import type { Position, TextEdit } from "vscode-languageserver-protocol";

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

/** The position of the `occurrence`-th match of `needle` in `text` (plus `offset` characters). */
export function positionOf(text: string, needle: string, offset = 0, occurrence = 1): Position {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`"${needle}" (occurrence ${occurrence}) not found`);
  }
  const before = text.slice(0, index + offset);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}
