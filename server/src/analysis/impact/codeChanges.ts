import { ts } from "../typescript";
import type { AssetDefinition, Position } from "../../model/definitions";
import { tokenHash, tokenTexts } from "../codeVersion";
import { tokenize } from "../sql/sqlTokens";
import { parseTypeScript } from "../scan/parseTypeScript";

/** Config properties the diff reports on their own (deps) or as metadata, not as code. */
const DESCRIBED = new Set(["deps", "owners", "group", "description", "tags", "kinds", "freshness", "automation"]);

/**
 * True when a definition's code changed between two versions of its file. Code versions
 * already ignore TypeScript whitespace and comments; this also ignores the config's metadata
 * and deps (reported as such) and the layout of SQL inside strings (whitespace, comments,
 * keyword case). When the definition calls helpers, a helper may have changed too, which the
 * combined code version cannot tell apart: then any code-version change counts.
 */
export function codeChanged(
  before: AssetDefinition,
  readBeforeText: () => string | undefined,
  after: AssetDefinition,
  readAfterText: () => string | undefined,
): boolean {
  if (before.codeVersion === after.codeVersion && before.kind === after.kind) return false;
  if (before.kind !== after.kind) return true;
  // Texts only now: most definitions keep their version, and reading every file per answer is a disk pass.
  const beforeText = readBeforeText();
  const afterText = readAfterText();
  if (beforeText === undefined || afterText === undefined) return true;
  const old = callSpan(before, beforeText);
  const next = callSpan(after, afterText);
  if (!old || !next) return true;
  // With helpers, the code version combines their hashes with the call's own: a change of it
  // that the call's own tokens do not explain is a helper's.
  const ownOnly =
    before.codeVersion === tokenHash(beforeText, old.start, old.end) &&
    after.codeVersion === tokenHash(afterText, next.start, next.end);
  if (!ownOnly) return true;
  return codeTokens(old) !== codeTokens(next);
}

interface CallSpan {
  readonly source: ts.SourceFile;
  readonly call: ts.CallExpression;
  readonly start: number;
  readonly end: number;
}

const parsed = new Map<string, ts.SourceFile>();

function callSpan(asset: AssetDefinition, text: string): CallSpan | undefined {
  let source = parsed.get(text);
  if (!source) {
    source = parseTypeScript(asset.location.file, text, true);
    if (parsed.size > 64) parsed.clear();
    parsed.set(text, source);
  }
  const start = offsetOf(source, asset.location.range.start);
  const end = offsetOf(source, asset.location.range.end);
  if (start === undefined || end === undefined) return undefined;
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.getEnd() < start || node.getStart(source) > end) return;
    if (ts.isCallExpression(node) && node.getStart(source) === start && node.getEnd() === end) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found ? { source, call: found, start, end } : undefined;
}

/** The call's tokens without its described config properties, SQL strings re-tokenized as SQL. */
function codeTokens(span: CallSpan): string {
  const skipped: Array<[number, number]> = [];
  const config = span.call.arguments[0];
  if (config && ts.isObjectLiteralExpression(config)) {
    for (const property of config.properties) {
      const name =
        property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
          ? property.name.text
          : undefined;
      if (name !== undefined && DESCRIBED.has(name)) skipped.push([property.getStart(span.source), property.getEnd()]);
    }
  }
  const tokens: string[] = [];
  let from = span.start;
  for (const [start, end] of [...skipped, [span.end, span.end] as [number, number]]) {
    for (const token of tokenTexts(span.source.text, from, start)) if (token !== ",") tokens.push(sqlLayoutFree(token));
    from = end;
  }
  return tokens.join("\u0000");
}

/** A string or template token's SQL without whitespace, comments and keyword case; other tokens as they are. */
function sqlLayoutFree(token: string): string {
  const first = token[0];
  if (first !== "'" && first !== '"' && first !== "`" && first !== "}") return token;
  // Only the text between the delimiters is SQL: `…`, '…', "…", and template pieces `…${, }…${, }…`.
  const close = token.endsWith("${") ? 2 : 1;
  const sql = token.slice(1, token.length - close);
  const opening = token.slice(0, 1);
  const closing = token.slice(token.length - close);
  return `${opening}${tokenize(sql)
    .map((t) => (t.kind === "word" ? t.value : sql.slice(t.start, t.end)))
    .join(" ")}${closing}`;
}

function offsetOf(source: ts.SourceFile, position: Position): number | undefined {
  try {
    return source.getPositionOfLineAndCharacter(position.line, position.character);
  } catch {
    return undefined;
  }
}
