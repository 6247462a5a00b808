import type { ts } from "../typescript";
import type { SourceLocation, TextRange } from "../../model/definitions";

/** Turns offsets of one source file into workspace locations (LSP-style positions). */
export class LocationMaker {
  private lineStarts: readonly number[] | undefined;
  /** The line of the last position asked for: the next one (the next table of the same SQL string) is mostly on it. */
  private line = 0;

  constructor(
    readonly file: string,
    private readonly sourceFile: ts.SourceFile,
  ) {}

  at(start: number, end: number): SourceLocation {
    return { file: this.file, range: this.range(start, end) };
  }

  /** The node's range without its leading trivia. */
  ofNode(node: ts.Node): SourceLocation {
    return this.at(node.getStart(this.sourceFile), node.getEnd());
  }

  range(start: number, end: number): TextRange {
    return { start: this.position(start), end: this.position(end) };
  }

  /**
   * As ts.getLineAndCharacterOfPosition: the last line starting at or before `offset`. The next
   * position asked for is mostly on the same line or a few lines on (the next name of the same
   * SQL string), so those are tried before a binary search.
   */
  private position(offset: number): { line: number; character: number } {
    const starts = (this.lineStarts ??= lineStarts(this.sourceFile.text));
    let line = this.line;
    if (starts[line]! <= offset) {
      const last = Math.min(starts.length - 1, line + 8);
      while (line < last && starts[line + 1]! <= offset) line++;
    }
    if (starts[line]! > offset || (line + 1 < starts.length && starts[line + 1]! <= offset)) {
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (starts[middle]! <= offset) low = middle;
        else high = middle - 1;
      }
      line = low;
    }
    this.line = line;
    return { line, character: offset - starts[line]! };
  }
}

/**
 * The offsets lines start at, as TypeScript's computeLineStarts gives them (a line ends at
 * "\r\n", "\r", "\n", U+2028 or U+2029), found with indexOf when the text has only "\n":
 * several times faster than its loop over every character, and needed once per scanned file.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  if (text.indexOf("\r") < 0 && text.indexOf("\u2028") < 0 && text.indexOf("\u2029") < 0) {
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) starts.push(nl + 1);
    return starts;
  }
  for (let pos = 0; pos < text.length;) {
    const ch = text.charCodeAt(pos++);
    if (ch === 13 && text.charCodeAt(pos) === 10) pos++;
    if (ch === 13 || ch === 10 || ch === 0x2028 || ch === 0x2029) starts.push(pos);
  }
  return starts;
}
