/**
 * Completion of asset keys inside string `deps` (and string `check()` targets), and of
 * known table names inside SQL strings in asset bodies. Reads the document's current text,
 * because the user is mid-edit and the last analysis may predate the string being typed.
 */
import {
  type CompletionItem,
  CompletionItemKind,
  type CompletionList,
  type Position,
  type Range,
} from "vscode-languageserver";
import { ts } from "../analysis/typescript";
import type { AnalysisSnapshot } from "../analysis";
import { SourceText } from "./sourceText";
import { contains } from "./uris";

/** Characters after which the client should ask: quotes open a key, "/" continues one, a space follows FROM/JOIN. */
export const COMPLETION_TRIGGERS = ['"', "'", "`", "/", " "];

/** SQL words after which a table name comes. */
const TABLE_CONTEXT = /\b(?:from|join|into|update|table|exists)\s+([\w$]*)$/i;

export interface CompletionRequest {
  readonly snapshot: AnalysisSnapshot;
  readonly file: string;
  readonly text: string;
  readonly position: Position;
  /** Larger documents are not re-parsed for completion (generated code). */
  readonly maxBytes: number;
}

export function completeAt(request: CompletionRequest): CompletionList | null {
  const { text, position } = request;
  if (text.length > request.maxBytes) return null;
  const source = SourceText.parse(request.file, text);
  if (!source) return null;
  const offset = source.offsetAt(position);
  const literal = stringAt(source, offset);
  if (!literal) return null;
  const contentStart = literal.getStart(source.sourceFile) + 1;
  const before = text.slice(contentStart, offset);
  if (isKeyPosition(literal)) return keyCompletions(request, source, literal, contentStart);
  const table = TABLE_CONTEXT.exec(before);
  if (table && insideDefinition(request)) return tableCompletions(request, source, offset - table[1]!.length, offset);
  return null;
}

/** The string-like literal the cursor is inside (between its quotes). */
function stringAt(source: SourceText, offset: number): ts.LiteralLikeNode | undefined {
  const node = source.nodeAt(offset) ?? source.nodeAt(offset - 1);
  if (!node) return undefined;
  const stringy =
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    node.kind === ts.SyntaxKind.TemplateHead ||
    node.kind === ts.SyntaxKind.TemplateMiddle ||
    node.kind === ts.SyntaxKind.TemplateTail;
  if (!stringy) return undefined;
  const start = node.getStart(source.sourceFile);
  return offset > start && offset <= node.getEnd() ? (node as ts.LiteralLikeNode) : undefined;
}

/** An element of a `deps: [...]` array, or the first argument of `check(...)`. */
function isKeyPosition(literal: ts.Node): boolean {
  if (!ts.isStringLiteral(literal) && !ts.isNoSubstitutionTemplateLiteral(literal)) return false;
  const parent = literal.parent;
  if (ts.isArrayLiteralExpression(parent)) {
    const property = parent.parent;
    return ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === "deps";
  }
  if (ts.isCallExpression(parent) && parent.arguments[0] === literal) {
    const callee = parent.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
    return name === "check";
  }
  return false;
}

function keyCompletions(
  request: CompletionRequest,
  source: SourceText,
  literal: ts.Node,
  contentStart: number,
): CompletionList {
  const contentEnd = closingQuoteOffset(source, literal);
  const range = source.rangeOf(contentStart, contentEnd);
  // Keys already listed in the same deps array are not offered again.
  const listed = new Set<string>();
  if (ts.isArrayLiteralExpression(literal.parent)) {
    for (const element of literal.parent.elements) {
      if (element !== literal && (ts.isStringLiteral(element) || ts.isNoSubstitutionTemplateLiteral(element)))
        listed.add(element.text);
    }
  }
  const items: CompletionItem[] = [];
  let previous: string | undefined;
  for (const definition of request.snapshot.assets) {
    const key = definition.key;
    // Sorted by key: a duplicated key is offered once.
    if (key === previous || listed.has(key)) continue;
    previous = key;
    items.push({
      label: key,
      kind: definition.kind === "source" ? CompletionItemKind.Interface : CompletionItemKind.Class,
      detail: [definition.kind, definition.group].filter(Boolean).join(" · "),
      documentation: definition.description,
      textEdit: { range, newText: key },
    });
  }
  return { isIncomplete: false, items };
}

function tableCompletions(
  request: CompletionRequest,
  source: SourceText,
  start: number,
  offset: number,
): CompletionList {
  let end = offset;
  while (end < source.text.length && /[\w$]/.test(source.text[end]!)) end++;
  const range: Range = source.rangeOf(start, end);
  const items: CompletionItem[] = [];
  for (const [resource, producers] of request.snapshot.producers) {
    if (!resource.startsWith("table:")) continue;
    const name = resource.slice("table:".length);
    items.push({
      label: name,
      kind: CompletionItemKind.Field,
      detail: `produced by ${producers.map((producer) => producer.key).join(", ")}`,
      textEdit: { range, newText: name },
    });
  }
  return { isIncomplete: false, items };
}

/** SQL completion only inside an analyzed asset or check, not in every string of the workspace. */
function insideDefinition(request: CompletionRequest): boolean {
  const { snapshot, file, position } = request;
  return (
    snapshot.assets.some((asset) => asset.location.file === file && contains(asset.location.range, position)) ||
    snapshot.checks.some((check) => check.location.file === file && contains(check.location.range, position))
  );
}

/** Where the key's text ends: before the closing quote, or at the line end of an unterminated string. */
function closingQuoteOffset(source: SourceText, literal: ts.Node): number {
  const end = literal.getEnd();
  const quote = source.text[literal.getStart(source.sourceFile)];
  if (end - 1 > literal.getStart(source.sourceFile) && source.text[end - 1] === quote) return end - 1;
  return end;
}

/** Cheap test run before parsing: a space only matters right after a SQL keyword. */
export function worthParsing(lineBeforeCursor: string, triggerCharacter: string | undefined): boolean {
  return triggerCharacter !== " " || /\b(?:from|join|into|update|table|exists)\s$/i.test(lineBeforeCursor);
}
