import type { ts } from "../typescript";
import type { SourceLocation, TextRange } from "../../model/definitions";

/** Turns offsets of one source file into workspace locations (LSP-style positions). */
export class LocationMaker {
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
    const from = this.sourceFile.getLineAndCharacterOfPosition(start);
    const to = this.sourceFile.getLineAndCharacterOfPosition(end);
    return { start: { line: from.line, character: from.character }, end: { line: to.line, character: to.character } };
  }
}
