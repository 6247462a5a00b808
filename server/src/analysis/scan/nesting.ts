import { ts } from "../typescript";

const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard);

const OPENERS = new Set([ts.SyntaxKind.OpenParenToken, ts.SyntaxKind.OpenBracketToken, ts.SyntaxKind.OpenBraceToken]);
const CLOSERS = new Set([
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
]);

/** How deep brackets nest in a file, and where they are deepest. */
export interface Nesting {
  /** The most brackets (`(`, `[`, `{`, `${`) open at once. */
  readonly depth: number;
  /** Offset of the bracket that reached that depth. */
  readonly offset: number;
}

/**
 * The deepest bracket nesting of `text`, from tokens alone (no parse, no recursion), so a file
 * the parser cannot handle can still be pointed at. An estimate: a `/` is always read as
 * division, so brackets inside a regular expression literal count too.
 */
export function deepestNesting(text: string): Nesting {
  scanner.setText(text);
  let depth = 0;
  let deepest: Nesting = { depth: 0, offset: 0 };
  // Brace depth inside each open `${`, so the `}` that closes a substitution is recognised.
  const templateDepths: number[] = [];
  try {
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
      if (
        kind === ts.SyntaxKind.CloseBraceToken &&
        templateDepths.length > 0 &&
        templateDepths[templateDepths.length - 1] === 0
      ) {
        kind = scanner.reScanTemplateToken(/* isTaggedTemplate */ false);
        if (kind === ts.SyntaxKind.TemplateTail) {
          templateDepths.pop();
          depth = Math.max(0, depth - 1);
        }
        continue;
      }
      if (kind === ts.SyntaxKind.TemplateHead) templateDepths.push(0);
      else if (OPENERS.has(kind)) {
        if (kind === ts.SyntaxKind.OpenBraceToken && templateDepths.length > 0)
          templateDepths[templateDepths.length - 1]! += 1;
      } else if (CLOSERS.has(kind)) {
        if (kind === ts.SyntaxKind.CloseBraceToken && templateDepths.length > 0)
          templateDepths[templateDepths.length - 1]! -= 1;
        depth = Math.max(0, depth - 1);
        continue;
      } else continue;
      depth += 1;
      if (depth > deepest.depth) deepest = { depth, offset: scanner.getTokenStart() };
    }
  } finally {
    scanner.setText(undefined);
  }
  return deepest;
}

/**
 * The LSP position (line, UTF-16 character) of `offset`, counting line breaks as TypeScript
 * does (\n, \r\n, \r, U+2028, U+2029), for files that have no parsed source file to ask.
 */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */ && text.charCodeAt(i + 1) === 10) continue; // \r\n: the \n ends the line
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
