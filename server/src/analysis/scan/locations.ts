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

  /** As ts.getLineAndCharacterOfPosition: the last line starting at or before `offset`, without its generic binary search. */
  private position(offset: number): { line: number; character: number } {
    const starts = (this.lineStarts ??= this.sourceFile.getLineStarts());
    let line = this.line;
    if (starts[line]! > offset || (line + 1 < starts.length && starts[line + 1]! <= offset)) {
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (starts[middle]! <= offset) low = middle;
        else high = middle - 1;
      }
      line = low;
      this.line = line;
    }
    return { line, character: offset - starts[line]! };
  }
}
