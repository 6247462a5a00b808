/**
 * The one way Assetline parses a TypeScript file on its own (no program, no type checker): the
 * scanner for the analysis, and the language server for edits on the text the user sees.
 */
import { ts } from "../typescript";

/**
 * JSDoc is not parsed: nothing reads it (a definition's description is its config's `description`,
 * code versions skip comments), and it is ~7% of the parse of a commented workspace. Node starts
 * (`getStart` without JSDoc) are the same either way.
 */
const OPTIONS: ts.CreateSourceFileOptions = {
  languageVersion: ts.ScriptTarget.Latest,
  jsDocParsingMode: ts.JSDocParsingMode.ParseNone,
};

/** A syntax tree of `text`, `.tsx` files as TSX; with `setParentNodes` when the caller walks upwards. */
export function parseTypeScript(file: string, text: string, setParentNodes = false): ts.SourceFile {
  const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(file, text, OPTIONS, setParentNodes, kind);
}

/**
 * How many syntax errors the parse found. `parseDiagnostics` is internal to TypeScript (the
 * public way, a program's getSyntacticDiagnostics, costs a program per file), hence the cast.
 */
export function syntaxErrorCount(sourceFile: ts.SourceFile): number {
  return (sourceFile as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0;
}
