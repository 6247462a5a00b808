/**
 * The tokens of a span of TypeScript exactly as TypeScript's scanner (`scan()`, trivia skipped,
 * no re-scanning but of template continuations) splits them, for code versions. A definition's
 * span is mostly identifiers, punctuation and long SQL templates, which this reads several times
 * faster than the scanner (it computes no cooked template values and no token kinds). Anything
 * it does not model exactly (non-ASCII outside literals and comments, backslashes outside
 * literals, `#`, numbers other than plain decimals, conflict markers, unterminated literals) makes
 * it answer `undefined`, and the caller asks TypeScript's scanner instead: the tokens are never
 * different, so neither are the code versions recorded in a history.
 */

const enum Char {
  Tab = 9,
  LineFeed = 10,
  VerticalTab = 11,
  FormFeed = 12,
  CarriageReturn = 13,
  Space = 32,
  Exclamation = 33,
  DoubleQuote = 34,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  Ampersand = 38,
  SingleQuote = 39,
  Asterisk = 42,
  Plus = 43,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  LessThan = 60,
  Equals = 61,
  GreaterThan = 62,
  Question = 63,
  Backslash = 92,
  Caret = 94,
  Underscore = 95,
  Backtick = 96,
  OpenBrace = 123,
  Bar = 124,
  CloseBrace = 125,
  LineSeparator = 0x2028,
  ParagraphSeparator = 0x2029,
}

/** Per ASCII code: 1 identifier start, 2 identifier part only (digits). */
const IDENTIFIER = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_$]/.test(ch)) IDENTIFIER[c] = 1;
  else if (/[0-9]/.test(ch)) IDENTIFIER[c] = 2;
}

/** Single-character tokens that never combine with what follows. */
const SINGLE = new Set("()[]{},;:~@".split("").map((c) => c.charCodeAt(0)));

/** Tokens at least this long (SQL templates, mostly) are encoded by Node in one call, shorter ones here. */
const LONG_TOKEN = 64;
/** Spans up to a quarter of this (UTF-8 takes at most 3 bytes per UTF-16 unit, plus a separator) share one buffer. */
const SHARED_BYTES = 256 * 1024;
let shared: Buffer | undefined;

/**
 * The UTF-8 bytes of the tokens of `text[start, end)` joined by "\u0000", exactly
 * `Buffer.from(tokenTexts(...).join("\u0000"))`, or undefined when the span holds something only
 * TypeScript's scanner reads exactly. The tokens go straight into one buffer, with no string per
 * token and none for the whole: the answer is a view of a buffer the next call reuses.
 */
export function tokenBytes(text: string, start: number, end: number): Uint8Array | undefined {
  const needed = 4 * (end - start);
  const bytes = needed <= SHARED_BYTES ? (shared ??= Buffer.allocUnsafe(SHARED_BYTES)) : Buffer.allocUnsafe(needed);
  let length = 0;
  let first = true;
  // Brace depth inside each open `${`, so the `}` that closes a substitution continues the template.
  const templateDepths: number[] = [];
  let pos = start;
  while (pos < end) {
    const ch = text.charCodeAt(pos);
    if (ch === Char.Space || ch === Char.LineFeed || ch === Char.CarriageReturn || ch === Char.Tab) {
      pos++;
      continue;
    }
    const tokenStart = pos;
    if (ch < 128 && IDENTIFIER[ch] === 1) {
      pos++;
      while (pos < end) {
        const c = text.charCodeAt(pos);
        if (c < 128 && IDENTIFIER[c] !== 0) pos++;
        else if (c >= 128 || c === Char.Backslash) return undefined;
        else break;
      }
    } else if (ch >= Char.Zero && ch <= Char.Nine) {
      pos = numberEnd(text, pos);
      if (pos < 0) return undefined;
    } else if (ch === Char.DoubleQuote || ch === Char.SingleQuote) {
      pos = stringEnd(text, pos, end, ch);
      if (pos < 0) return undefined;
    } else if (ch === Char.Backtick) {
      pos = templateEnd(text, pos, end);
      if (pos < 0) return undefined;
      if (text.charCodeAt(pos - 1) === Char.OpenBrace) templateDepths.push(0);
    } else if (ch === Char.CloseBrace && templateDepths.length > 0) {
      const depth = templateDepths[templateDepths.length - 1]!;
      if (depth > 0) {
        templateDepths[templateDepths.length - 1] = depth - 1;
        pos++;
      } else {
        pos = templateEnd(text, pos, end);
        if (pos < 0) return undefined;
        if (text.charCodeAt(pos - 1) !== Char.OpenBrace) templateDepths.pop();
      }
    } else if (ch === Char.Slash && text.charCodeAt(pos + 1) === Char.Slash) {
      pos += 2;
      while (pos < end && !isLineBreak(text.charCodeAt(pos))) pos++;
      continue;
    } else if (ch === Char.Slash && text.charCodeAt(pos + 1) === Char.Asterisk) {
      const close = text.indexOf("*/", pos + 2);
      pos = close < 0 || close + 2 > end ? end : close + 2;
      continue;
    } else if (ch === Char.VerticalTab || ch === Char.FormFeed) {
      pos++;
      continue;
    } else {
      if (ch === Char.OpenBrace && templateDepths.length > 0) templateDepths[templateDepths.length - 1]! += 1;
      pos = punctuationEnd(text, pos);
      if (pos < 0) return undefined;
    }
    if (first) first = false;
    else bytes[length++] = 0;
    length =
      pos - tokenStart >= LONG_TOKEN
        ? length + bytes.write(text.slice(tokenStart, pos), length, "utf8")
        : writeUtf8(text, tokenStart, pos, bytes, length);
  }
  return bytes.subarray(0, length);
}

/**
 * Writes `text[from, to)` as UTF-8 at `at`, as Node encodes strings (a surrogate without its
 * pair becomes U+FFFD); returns the end. Identifiers, numbers and operators here are ASCII.
 */
function writeUtf8(text: string, from: number, to: number, bytes: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[at++] = c;
      continue;
    }
    if (c < 0x800) {
      bytes[at++] = 0xc0 | (c >> 6);
      bytes[at++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < to ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        bytes[at++] = 0xf0 | (point >> 18);
        bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
        bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
        bytes[at++] = 0x80 | (point & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    bytes[at++] = 0xe0 | (c >> 12);
    bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
    bytes[at++] = 0x80 | (c & 0x3f);
  }
  return at;
}

function isLineBreak(c: number): boolean {
  return c === Char.LineFeed || c === Char.CarriageReturn || c === Char.LineSeparator || c === Char.ParagraphSeparator;
}

/** A plain decimal (`12`, `0`, `1.5`, `3.`, `1_000`); -1 for any other numeric form. */
function numberEnd(text: string, pos: number): number {
  if (text.charCodeAt(pos) === Char.Zero) {
    const next = text.charCodeAt(pos + 1);
    // Legacy octals, leading zeros, 0x/0b/0o: TypeScript's own reading.
    if ((next >= Char.Zero && next <= Char.Nine) || /[xXbBoO_]/.test(text.charAt(pos + 1))) return -1;
  }
  pos = digitsEnd(text, pos);
  if (text.charCodeAt(pos) === Char.Dot) pos = digitsEnd(text, pos + 1);
  const after = text.charCodeAt(pos);
  // An exponent, a bigint suffix, or an identifier run into the number.
  if (after >= 128 || after === Char.Backslash || (after < 128 && IDENTIFIER[after] !== 0)) return -1;
  return pos;
}

/** Digits and separators: TypeScript reads every `_` into the number, misplaced ones included (with an error). */
function digitsEnd(text: string, pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if ((c >= Char.Zero && c <= Char.Nine) || c === Char.Underscore) pos++;
    else return pos;
  }
}

/** Past the closing quote; -1 when the string is unterminated (TypeScript's reading then). */
function stringEnd(text: string, pos: number, end: number, quote: number): number {
  pos++;
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c === quote) return pos + 1;
    if (c === Char.LineFeed || c === Char.CarriageReturn) return -1;
    if (c === Char.Backslash) {
      if (pos + 2 >= end) return -1;
      // An escape never ends the string, but `\` + CRLF is one line continuation.
      pos += text.charCodeAt(pos + 1) === Char.CarriageReturn && text.charCodeAt(pos + 2) === Char.LineFeed ? 3 : 2;
      continue;
    }
    pos++;
  }
  return -1;
}

/**
 * From a backtick or the `}` closing a substitution: past the closing backtick or the next `${`;
 * -1 when unterminated.
 */
function templateEnd(text: string, pos: number, end: number): number {
  // The characters that can end a template or its text run; a regular expression finds the next faster than a loop here.
  TEMPLATE_STOP.lastIndex = pos + 1;
  while (TEMPLATE_STOP.test(text)) {
    pos = TEMPLATE_STOP.lastIndex - 1;
    if (pos >= end) return -1;
    const c = text.charCodeAt(pos);
    if (c === Char.Backtick) return pos + 1;
    if (c === Char.Backslash) {
      if (pos + 2 >= end) return -1;
      TEMPLATE_STOP.lastIndex = pos + 2;
    } else if (pos + 1 < end && text.charCodeAt(pos + 1) === Char.OpenBrace) return pos + 2;
  }
  return -1;
}

const TEMPLATE_STOP = /[`$\\]/g;

/** Past the longest operator TypeScript's `scan()` reads at `pos` (`>` alone: the parser re-scans it); -1 otherwise. */
function punctuationEnd(text: string, pos: number): number {
  const ch = text.charCodeAt(pos);
  if (SINGLE.has(ch)) return pos + 1;
  const next = text.charCodeAt(pos + 1);
  const third = text.charCodeAt(pos + 2);
  switch (ch) {
    case Char.Exclamation:
      return next === Char.Equals ? (third === Char.Equals ? pos + 3 : pos + 2) : pos + 1;
    case Char.Percent:
    case Char.Caret:
    case Char.Slash:
      return next === Char.Equals ? pos + 2 : pos + 1;
    case Char.Ampersand:
    case Char.Bar:
      if (ch === Char.Bar && isConflictMarker(text, pos)) return -1;
      if (next === ch) return third === Char.Equals ? pos + 3 : pos + 2;
      return next === Char.Equals ? pos + 2 : pos + 1;
    case Char.Asterisk:
      if (next === Char.Equals) return pos + 2;
      if (next === Char.Asterisk) return third === Char.Equals ? pos + 3 : pos + 2;
      return pos + 1;
    case Char.Plus:
    case Char.Minus:
      return next === ch || next === Char.Equals ? pos + 2 : pos + 1;
    case Char.Dot:
      if (next >= Char.Zero && next <= Char.Nine) return -1;
      return next === Char.Dot && third === Char.Dot ? pos + 3 : pos + 1;
    case Char.LessThan:
      if (isConflictMarker(text, pos)) return -1;
      if (next === Char.LessThan) return third === Char.Equals ? pos + 3 : pos + 2;
      return next === Char.Equals ? pos + 2 : pos + 1;
    case Char.Equals:
      if (isConflictMarker(text, pos)) return -1;
      if (next === Char.Equals) return third === Char.Equals ? pos + 3 : pos + 2;
      return next === Char.GreaterThan ? pos + 2 : pos + 1;
    case Char.GreaterThan:
      return isConflictMarker(text, pos) ? -1 : pos + 1;
    case Char.Question:
      if (next === Char.Dot && !(third >= Char.Zero && third <= Char.Nine)) return pos + 2;
      if (next === Char.Question) return third === Char.Equals ? pos + 3 : pos + 2;
      return pos + 1;
    default:
      // `#`, `\`, control characters, anything non-ASCII: TypeScript's reading.
      return -1;
  }
}

/** Seven equal marker characters at a line start, as TypeScript's `isConflictMarkerTrivia` checks first. */
function isConflictMarker(text: string, pos: number): boolean {
  if (pos > 0 && !isLineBreak(text.charCodeAt(pos - 1))) return false;
  const ch = text.charCodeAt(pos);
  for (let i = 1; i < 7; i++) if (text.charCodeAt(pos + i) !== ch) return false;
  return true;
}
