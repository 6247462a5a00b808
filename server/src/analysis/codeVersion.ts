import * as crypto from "node:crypto";
import { ts } from "./typescript";
import { tokenBytes } from "./codeTokens";

const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard);

/**
 * A hash of the tokens in `text[start, end)`: whitespace and comments do not count, any
 * other change does (string contents included). Template literals are re-scanned so that
 * the text inside them is one token, not code.
 */
export function tokenHash(text: string, start: number, end: number): string {
  return sha1Hex(tokenBytes(text, start, end) ?? tokenTexts(text, start, end).join("\u0000")).slice(0, 16);
}

/**
 * One-shot `crypto.hash` where Node has it (20.12+): a Hash object per definition costs more than
 * hashing its few hundred bytes.
 */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex") => string })
  .hash;
/** A string is hashed as its UTF-8 bytes, so `tokenBytes` and the joined tokens hash alike. */
function sha1Hex(data: string | Uint8Array): string {
  return oneShotHash ? oneShotHash("sha1", data, "hex") : crypto.createHash("sha1").update(data).digest("hex");
}

/** The tokens of `text[start, end)` as written, without whitespace and comments (a template literal is one token). */
export function tokenTexts(text: string, start: number, end: number): string[] {
  scanner.setText(text, start, end - start);
  const tokens: string[] = [];
  // Brace depth inside each open `${`, so the `}` that closes a substitution is recognised.
  const templateDepths: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.TemplateHead) templateDepths.push(0);
    else if (kind === ts.SyntaxKind.OpenBraceToken && templateDepths.length > 0) {
      templateDepths[templateDepths.length - 1]! += 1;
    } else if (kind === ts.SyntaxKind.CloseBraceToken && templateDepths.length > 0) {
      const depth = templateDepths[templateDepths.length - 1]!;
      if (depth === 0) {
        kind = scanner.reScanTemplateToken(/* isTaggedTemplate */ false);
        if (kind === ts.SyntaxKind.TemplateTail) templateDepths.pop();
      } else {
        templateDepths[templateDepths.length - 1] = depth - 1;
      }
    }
    tokens.push(scanner.getTokenText());
  }
  scanner.setText(undefined);
  return tokens;
}

/** Combines a definition's own hash with the hashes of the helpers it uses, order-independently. */
export function combineVersions(own: string, helpers: Iterable<string>): string {
  const sorted = [...new Set(helpers)].sort();
  if (sorted.length === 0) return own;
  return sha1Hex([own, ...sorted].join("\u0000")).slice(0, 16);
}
