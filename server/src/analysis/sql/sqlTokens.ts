/**
 * A small SQLite-flavoured tokenizer: enough to split a script into statements and to
 * drive the tolerant table scan when the real parser gives up. It never fails and runs
 * in one linear pass, so half-typed or pathological text (unclosed quotes, 100 KB
 * scripts) costs no more than well-formed SQL.
 */

import { asciiKeywordAt, hashStep, keywordId } from "./sqlKeywords";

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

/** By ASCII code: the lower-cased character when it can be part of a word, else 0. */
const WORD_LOWER = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (isWordPart(c)) WORD_LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Token kinds in a SqlTokenList. */
export const WORD = 1;
export const QUOTED = 2;
export const PUNCT = 3;
export const OTHER = 4;

/** In a word's info: a name sql-parser-cst reads as one (ASCII letters, digits and "_" only, once lower-cased). */
export const NOT_PLAIN = 0x8000;

const KIND_NAMES: readonly TokenKind[] = ["other", "word", "quoted", "punct", "other"];
const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Tokens as parallel arrays, without an object or a string per token: a cold analysis reads
 * ~1.5 M of them. `info` is, for a word, its keyword id (sqlKeywords.ts; 0 for none) with
 * NOT_PLAIN when it is no plain name; for punctuation and one-character others, the character.
 * A word's text is cut from `sql` only when a name is kept.
 */
export class SqlTokenList {
  sql = "";
  length = 0;
  kinds = new Uint8Array(256);
  infos = new Uint16Array(256);
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  /** For an ASCII word, the hash of its lower-cased characters (nameInterner.ts); otherwise 0. */
  hashes = new Int32Array(256);

  push(kind: number, info: number, start: number, end: number, hash = 0): void {
    if (this.length === this.kinds.length) this.grow();
    const k = this.length++;
    this.kinds[k] = kind;
    this.infos[k] = info;
    this.starts[k] = start;
    this.ends[k] = end;
    this.hashes[k] = hash;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    const infos = new Uint16Array(size);
    infos.set(this.infos);
    const starts = new Int32Array(size);
    starts.set(this.starts);
    const ends = new Int32Array(size);
    ends.set(this.ends);
    const hashes = new Int32Array(size);
    hashes.set(this.hashes);
    this.kinds = kinds;
    this.infos = infos;
    this.starts = starts;
    this.ends = ends;
    this.hashes = hashes;
  }
}

/** Lists given back (releaseTokenList) for the next text: typed arrays are dear to allocate per SQL string. */
const spareLists: SqlTokenList[] = [];

/**
 * Splits SQL into tokens, dropping whitespace and comments; string literals become opaque
 * OTHER tokens. When a "'" never closes (the user is typing a literal), every later quote
 * has paired with the wrong partner and the rest of the script reads as strings; the text is
 * then re-read with literals ending at their line's end, since SQL literals rarely span lines.
 * Give the list back with releaseTokenList once nothing reads it any more.
 */
export function tokenList(sql: string): SqlTokenList {
  const list = spareLists.pop() ?? new SqlTokenList();
  list.sql = sql;
  if (!tokenizeInto(list, false)) tokenizeInto(list, true);
  return list;
}

/** Hands a list back for reuse; it must not be read afterwards. */
export function releaseTokenList(list: SqlTokenList): void {
  list.sql = "";
  // A list grown by one huge script is not worth keeping around.
  if (spareLists.length < 4 && list.kinds.length <= 65_536) spareLists.push(list);
}

/** The tokens as objects, for the callers that keep or slice them (the tolerant scan, code versions). */
export function tokenize(sql: string): SqlToken[] {
  const list = tokenList(sql);
  const tokens = tokenObjects(list);
  releaseTokenList(list);
  return tokens;
}

export function tokenObjects(list: SqlTokenList): SqlToken[] {
  const { sql, kinds, infos, starts, ends } = list;
  const tokens: SqlToken[] = new Array<SqlToken>(list.length);
  for (let k = 0; k < list.length; k++) {
    const kind = kinds[k]!;
    const start = starts[k]!;
    const end = ends[k]!;
    const value =
      kind === WORD
        ? sql.slice(start, end).toLowerCase()
        : kind === QUOTED
          ? unquote(sql.slice(start, end))
          : kind === PUNCT
            ? String.fromCharCode(infos[k]!)
            : "";
    tokens[k] = { kind: KIND_NAMES[kind]!, start, end, value };
  }
  return tokens;
}

/** False when `lenient` is off and a string literal is left open (the list is then incomplete). */
function tokenizeInto(list: SqlTokenList, lenient: boolean): boolean {
  const sql = list.sql;
  list.length = 0;
  const n = sql.length;
  // Cached so that finding "the end of this line" stays linear over a long single-line script.
  let nextNewline = -1;
  // Closing quotes known to be absent from the rest of the text: 100 KB of "[" must not rescan it each time.
  let missingClosers = 0;
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
      // One pass reads the word, hashes its lower-cased characters (for the keyword table and the
      // name interner) and notes a "$" or a non-ASCII character.
      let hash = 0;
      let plain = true;
      let ascii = true;
      for (; i < n; i++) {
        const d = sql.charCodeAt(i);
        if (d >= 128) {
          ascii = false;
          continue;
        }
        const lower = WORD_LOWER[d]!;
        if (lower === 0) break;
        if (lower === CH_DOLLAR) plain = false;
        hash = hashStep(hash, lower);
      }
      if (ascii) list.push(WORD, asciiKeywordAt(sql, start, i, hash) | (plain ? 0 : NOT_PLAIN), start, i, hash);
      else list.push(WORD, unusualWordInfo(sql.slice(start, i).toLowerCase()), start, i, 0);
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
      list.push(OTHER, i - start === 1 ? c : 0, start, i);
      continue;
    }
    if (c === CH_SQUOTE || c === CH_DQUOTE || c === CH_BACKTICK || c === CH_LBRACKET) {
      const closer = c === CH_LBRACKET ? CH_RBRACKET : c;
      const bit = 1 << (c & 7);
      let end = (missingClosers & bit) !== 0 ? -1 : closeQuoted(sql, i, closer);
      if (end < 0) missingClosers |= bit;
      if (lenient && c === CH_SQUOTE) {
        if (nextNewline < i) nextNewline = sql.indexOf("\n", i);
        if (nextNewline < 0) nextNewline = n;
        if (end > nextNewline) end = -1;
      }
      if (end < 0) {
        if (!lenient && c === CH_SQUOTE) return false;
        // An identifier quote still being typed: its name is unknown, but what follows the line is not lost.
        const nl = sql.indexOf("\n", i + 1);
        i = nl < 0 ? n : nl + 1;
        list.push(OTHER, 0, start, nl < 0 ? n : nl);
        continue;
      }
      i = end;
      list.push(c === CH_SQUOTE ? OTHER : QUOTED, 0, start, end);
      continue;
    }
    if (c === CH_QUESTION || c === CH_COLON || c === CH_AT || c === CH_DOLLAR) {
      // Bound parameters (?1 :name @name $name) are values, never table names.
      i++;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
      list.push(OTHER, i - start === 1 ? c : 0, start, i);
      continue;
    }
    i++;
    list.push(c === 40 || c === 41 || c === 44 || c === 59 || c === CH_DOT ? PUNCT : OTHER, c, start, i);
  }
  return true;
}

/** Beyond ASCII, lower-casing may change the length or give ASCII ("\u212A" is "k"): read as the text would be. */
function unusualWordInfo(lower: string): number {
  const id = keywordId(lower);
  return PLAIN_NAME.test(lower) ? id : id | NOT_PLAIN;
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
  /** The most parentheses, CASE and BEGIN blocks open at once in it (budgetedParse.ts' nestingDepth). */
  depth: number;
}

const CREATE = keywordId("create");
const TRIGGER = keywordId("trigger");
const BEGIN = keywordId("begin");
const CASE = keywordId("case");
const END = keywordId("end");

/**
 * Splits at top-level ";" the way sqlite3_complete() does: a CREATE TRIGGER body keeps its
 * inner ";" until the END that closes its BEGIN (CASE…END nests inside it). Each statement's
 * nesting depth is counted on the way, which saves the fast path a second pass over its tokens.
 */
export function splitStatements(list: SqlTokenList): StatementSpan[] {
  const { kinds, infos } = list;
  const spans: StatementSpan[] = [];
  let first = 0;
  let blockDepth = 0;
  let inTrigger = false;
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < list.length; i++) {
    const kind = kinds[i]!;
    const info = infos[i]!;
    if (kind === WORD) {
      if ((i === first + 1 || i === first + 2) && info === TRIGGER && kinds[first] === WORD && infos[first] === CREATE)
        inTrigger = true;
      if (info === BEGIN || info === CASE) {
        if (inTrigger) blockDepth++;
        if (++depth > deepest) deepest = depth;
      } else if (info === END) {
        if (inTrigger && blockDepth > 0) blockDepth--;
        if (depth > 0) depth--;
      }
    } else if (kind === PUNCT) {
      if (info === 40) {
        if (++depth > deepest) deepest = depth;
      } else if (info === 41) {
        if (depth > 0) depth--;
      } else if (info === 59 && blockDepth === 0) {
        if (i > first) spans.push({ first, end: i, depth: deepest });
        first = i + 1;
        inTrigger = false;
        depth = 0;
        deepest = 0;
      }
    }
  }
  if (list.length > first) spans.push({ first, end: list.length, depth: deepest });
  return spans;
}

/** True when the token is the bare keyword/identifier `word` (case-insensitive). */
export function isWord(token: SqlToken | undefined, word: string): boolean {
  return token !== undefined && token.kind === "word" && token.value === word;
}
