/**
 * A small SQLite-flavoured tokenizer: enough to split a script into statements and to
 * drive the tolerant table scan when the real parser gives up. It never fails and runs
 * in one linear pass, so half-typed or pathological text (unclosed quotes, 100 KB
 * scripts) costs no more than well-formed SQL.
 */

export type TokenKind = "word" | "quoted" | "punct" | "other";

export interface SqlToken {
  kind: TokenKind;
  start: number;
  end: number;
  /** word: lower-cased text; quoted: the identifier without quotes; punct: the character; other: "". */
  value: string;
}

const CH_TAB = 9;
const CH_NL = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_DQUOTE = 34;
const CH_DOLLAR = 36;
const CH_SQUOTE = 39;
const CH_STAR = 42;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_COLON = 58;
const CH_QUESTION = 63;
const CH_AT = 64;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_BACKTICK = 96;

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === CH_DOLLAR;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Splits SQL into tokens, dropping whitespace and comments; string literals become opaque
 * "other" tokens. When a "'" never closes (the user is typing a literal), every later quote
 * has paired with the wrong partner and the rest of the script reads as strings; the text is
 * then re-read with literals ending at their line's end, since SQL literals rarely span lines.
 */
export function tokenize(sql: string): SqlToken[] {
  return tokenizeWith(sql, false) ?? (tokenizeWith(sql, true) as SqlToken[]);
}

/** Undefined when `lenient` is off and a string literal is left open. */
function tokenizeWith(sql: string, lenient: boolean): SqlToken[] | undefined {
  const tokens: SqlToken[] = [];
  const n = sql.length;
  // Cached so that finding "the end of this line" stays linear over a long single-line script.
  let nextNewline = -1;
  // Closing quotes known to be absent from the rest of the text: 100 KB of "[" must not rescan it each time.
  const missingClosers = new Set<number>();
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === CH_SPACE || c === CH_NL || c === CH_TAB || c === CH_CR || c === 12 || c === 11) {
      i++;
      continue;
    }
    const start = i;
    if (c === CH_MINUS && sql.charCodeAt(i + 1) === CH_MINUS) {
      const nl = sql.indexOf("\n", i + 2);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === CH_SLASH && sql.charCodeAt(i + 1) === CH_STAR) {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (isWordStart(c)) {
      i++;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
      tokens.push({ kind: "word", start, end: i, value: sql.slice(start, i).toLowerCase() });
      continue;
    }
    if (isDigit(c)) {
      // Numbers (1, 1.5, 1e-3, 0x1F) never name tables; swallow them whole so "1.5" is not "1" "." "5".
      i++;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (isWordPart(d) || d === CH_DOT) i++;
        else if ((d === 43 || d === CH_MINUS) && (sql.charCodeAt(i - 1) | 32) === 101) i++;
        else break;
      }
      tokens.push({ kind: "other", start, end: i, value: "" });
      continue;
    }
    if (c === CH_SQUOTE || c === CH_DQUOTE || c === CH_BACKTICK || c === CH_LBRACKET) {
      const closer = c === CH_LBRACKET ? CH_RBRACKET : c;
      let end = missingClosers.has(closer) ? -1 : closeQuoted(sql, i, closer);
      if (end < 0) missingClosers.add(closer);
      if (lenient && c === CH_SQUOTE) {
        if (nextNewline < i) nextNewline = sql.indexOf("\n", i);
        if (nextNewline < 0) nextNewline = n;
        if (end > nextNewline) end = -1;
      }
      if (end < 0) {
        if (!lenient && c === CH_SQUOTE) return undefined;
        // An identifier quote still being typed: its name is unknown, but what follows the line is not lost.
        const nl = sql.indexOf("\n", i + 1);
        i = nl < 0 ? n : nl + 1;
        tokens.push({ kind: "other", start, end: nl < 0 ? n : nl, value: "" });
        continue;
      }
      i = end;
      if (c === CH_SQUOTE) tokens.push({ kind: "other", start, end, value: "" });
      else tokens.push({ kind: "quoted", start, end, value: unquote(sql.slice(start, end)) });
      continue;
    }
    if (c === CH_QUESTION || c === CH_COLON || c === CH_AT || c === CH_DOLLAR) {
      // Bound parameters (?1 :name @name $name) are values, never table names.
      i++;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
      tokens.push({ kind: "other", start, end: i, value: "" });
      continue;
    }
    i++;
    if (c === 40 || c === 41 || c === 44 || c === 59 || c === CH_DOT) {
      tokens.push({ kind: "punct", start, end: i, value: sql[start] });
    } else {
      tokens.push({ kind: "other", start, end: i, value: "" });
    }
  }
  return tokens;
}

/** Index just past the closing quote, honouring doubled-quote escapes; -1 when the quote never closes. */
function closeQuoted(sql: string, open: number, closer: number): number {
  const quote = String.fromCharCode(closer);
  let i = open + 1;
  for (;;) {
    const close = sql.indexOf(quote, i);
    if (close < 0) return -1;
    if (closer !== CH_RBRACKET && sql.charCodeAt(close + 1) === closer) {
      i = close + 2;
      continue;
    }
    return close + 1;
  }
}

/** The identifier inside "x", `x` or [x], with doubled quotes collapsed. */
export function unquote(text: string): string {
  const q = text[0];
  if (q === "[") return text.slice(1, -1);
  if (q === '"' || q === "`")
    return text
      .slice(1, -1)
      .split(q + q)
      .join(q);
  return text;
}

/** A statement as a half-open range of token indexes (its terminating ";" excluded). */
export interface StatementSpan {
  first: number;
  end: number;
}

/**
 * Splits at top-level ";" the way sqlite3_complete() does: a CREATE TRIGGER body keeps its
 * inner ";" until the END that closes its BEGIN (CASE…END nests inside it).
 */
export function splitStatements(tokens: SqlToken[]): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let first = 0;
  let blockDepth = 0;
  let inTrigger = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (i === first + 1 || i === first + 2) {
      if (t.kind === "word" && t.value === "trigger" && isWord(tokens[first], "create")) inTrigger = true;
    }
    if (inTrigger && t.kind === "word") {
      if (t.value === "begin" || t.value === "case") blockDepth++;
      else if (t.value === "end" && blockDepth > 0) blockDepth--;
    }
    if (t.kind === "punct" && t.value === ";" && blockDepth === 0) {
      if (i > first) spans.push({ first, end: i });
      first = i + 1;
      inTrigger = false;
    }
  }
  if (tokens.length > first) spans.push({ first, end: tokens.length });
  return spans;
}

/** True when the token is the bare keyword/identifier `word` (case-insensitive). */
export function isWord(token: SqlToken | undefined, word: string): boolean {
  return token !== undefined && token.kind === "word" && token.value === word;
}
