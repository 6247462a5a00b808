/**
 * Asset keys: the identity of an asset, a path of parts written "a/b" by users
 * (modelled on Dagster's AssetKey). Pure: no I/O.
 *
 * Validation rules, and why:
 * - parts are non-empty, so "/a", "a/" and "a//b" are rejected rather than repaired:
 *   silently fixing a key would make two spellings name one asset;
 * - nothing is trimmed and whitespace is rejected: the selection syntax separates terms
 *   by spaces, and a key that cannot be selected or named in SQL without quoting is a trap;
 * - "," "+" "*" ":" are rejected because the selection syntax gives them a meaning
 *   (union, upstream/downstream, all, attribute), so every valid key is selectable as written;
 * - control characters (C0, DEL, C1) and unpaired UTF-16 surrogates are rejected: they
 *   cannot be shown in the editor or stored as UTF-8, and ESC or BEL sequences printed by the
 *   CLI would drive the user's terminal;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are
 *   rejected: they make a key display in another order than it is stored ("Trojan Source",
 *   CVE-2021-42574), so two keys that look the same could differ, or one could pass for another.
 *   Any other Unicode is allowed and kept byte-for-byte (no normalisation), so "données" stays
 *   exactly what the user typed.
 *
 * Check names are free text, but the last two rules hold for them too (`problemWithName`).
 */

/** Thrown when a string is not a valid asset key; `message` quotes what the user wrote. */
export class InvalidAssetKeyError extends Error {
  override readonly name = "InvalidAssetKeyError";

  constructor(
    /** The text that was rejected, exactly as given. */
    readonly input: string,
    /** Why, in a few words (the message without the quoted input). */
    readonly reason: string,
  ) {
    super(`invalid asset key ${quoteVisibly(input)}: ${reason}`);
  }
}

const KEY_SEPARATOR = "/";
const TABLE_PART_SEPARATOR = "__";
const RESERVED_BY_SELECTION = /[,+*:]/;
const WHITESPACE = /\s/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What `quoteVisibly` spells as \uXXXX beyond what JSON.stringify already escapes. */
const INVISIBLE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Why `part` cannot be one part of a key, or undefined when it can. */
function problemWithPart(part: string): string | undefined {
  if (part.length === 0) return `a part is empty`;
  if (WHITESPACE.test(part)) return `it contains whitespace; use "_" or "-" instead`;
  const reserved = RESERVED_BY_SELECTION.exec(part);
  if (reserved) return `"${reserved[0]}" is not allowed in a key (the selection syntax uses it)`;
  return problemWithCharacters(part);
}

/** Control, bidirectional-control and broken characters: never allowed in a key or a name. */
function problemWithCharacters(text: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const shown = codePoint(control[0]);
    return (
      `it contains the control character ${shown}, which is invisible or drives the terminal it is printed on; ` +
      "remove it"
    );
  }
  const bidi = BIDI_CONTROL.exec(text);
  if (bidi) {
    return (
      `it contains ${codePoint(bidi[0])}, a bidirectional control character that makes the text display in another ` +
      "order than it is stored; remove it (it is invisible, so it usually comes in with pasted text)"
    );
  }
  if (UNPAIRED_SURROGATE.test(text)) return `it contains an invalid character (an unpaired UTF-16 surrogate)`;
  return undefined;
}

/** Why `name` cannot name a check (control or bidirectional-control characters), or undefined when it can. */
export function problemWithName(name: string): string | undefined {
  if (name.length === 0) return "the name is empty";
  return problemWithCharacters(name);
}

/**
 * `text` in double quotes with every control and bidirectional-control character spelt as an
 * escape (JSON's, plus \uXXXX for DEL, C1 and bidi), so a message shows what is really there.
 */
export function quoteVisibly(text: string): string {
  return JSON.stringify(text).replace(INVISIBLE, (character) => `\\u${hex4(character)}`);
}

function codePoint(character: string): string {
  return `U+${hex4(character).toUpperCase()}`;
}

function hex4(character: string): string {
  return character.charCodeAt(0).toString(16).padStart(4, "0");
}

/**
 * True for the keys nearly everyone writes: printable ASCII without space or `,+*:`, in
 * non-empty parts between single "/". Every such key passes the rules above, so it needs no
 * regular expression (keys are checked thousands of times per analysis).
 */
function isPlainKey(text: string): boolean {
  let partLength = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2f /* / */) {
      if (partLength === 0) return false;
      partLength = 0;
    } else if (code <= 0x20 || code >= 0x7f || code === 0x2c || code === 0x2b || code === 0x2a || code === 0x3a) {
      return false;
    } else partLength++;
  }
  return partLength > 0;
}

/** Why `text` is not a valid "a/b" key, or undefined when it is. */
export function problemWithKey(text: string): string | undefined {
  if (isPlainKey(text)) return undefined;
  if (text.length === 0) return "the key is empty";
  if (text.startsWith(KEY_SEPARATOR)) return `it starts with "/"; write the key without it`;
  if (text.endsWith(KEY_SEPARATOR)) return `it ends with "/"; write the key without it`;
  if (text.includes(KEY_SEPARATOR + KEY_SEPARATOR)) return `it has an empty part between two "/"`;
  for (const part of text.split(KEY_SEPARATOR)) {
    const problem = problemWithPart(part);
    if (problem) return problem;
  }
  return undefined;
}

/** Compares two keys in user form by UTF-16 code units: locale-independent, so orders never differ between machines. */
export function compareKeyStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `[start, end)` indexes of the items whose key is `key` in `sorted`, a list ordered by
 * `keyOf` under compareKeyStrings: two binary searches, for the sorted lists the model keeps.
 */
export function equalRange<T>(sorted: readonly T[], key: string, keyOf: (item: T) => string): [number, number] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeyStrings(keyOf(sorted[middle]), key) < 0) low = middle + 1;
    else high = middle;
  }
  const start = low;
  high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeyStrings(keyOf(sorted[middle]), key) <= 0) low = middle + 1;
    else high = middle;
  }
  return [start, low];
}

/** True when `text` is a valid asset key in user form ("a/b"). */
export function isValidKey(text: string): boolean {
  return typeof text === "string" && problemWithKey(text) === undefined;
}

/**
 * The table `AssetKey.fromUserString(text).toTableName()` names (see there), without building
 * the key; undefined when `text` is not a valid key.
 */
export function tableNameOfKey(text: string): string | undefined {
  if (!isValidKey(text)) return undefined;
  return text.includes(KEY_SEPARATOR) ? text.split(KEY_SEPARATOR).join(TABLE_PART_SEPARATOR) : text;
}

/** An immutable asset key. Construct with `fromUserString`, `fromPath` or `fromDbString`. */
export class AssetKey {
  /** The key's parts, e.g. ["marts", "orders"] for "marts/orders". */
  readonly path: readonly string[];
  private readonly userString: string;

  private constructor(path: readonly string[]) {
    this.path = Object.freeze([...path]);
    this.userString = this.path.join(KEY_SEPARATOR);
    Object.freeze(this);
  }

  /** Parses "a/b"; throws InvalidAssetKeyError when the text is not a valid key. */
  static fromUserString(text: string): AssetKey {
    if (typeof text !== "string") throw new InvalidAssetKeyError(String(text), "a key must be a string");
    const problem = problemWithKey(text);
    if (problem) throw new InvalidAssetKeyError(text, problem);
    return new AssetKey(text.split(KEY_SEPARATOR));
  }

  /** Builds a key from its parts; throws InvalidAssetKeyError when a part is invalid or contains "/". */
  static fromPath(parts: readonly string[]): AssetKey {
    const shown = parts.join(KEY_SEPARATOR);
    if (parts.length === 0) throw new InvalidAssetKeyError(shown, "the key has no parts");
    for (const part of parts) {
      if (typeof part !== "string") throw new InvalidAssetKeyError(shown, "every part must be a string");
      if (part.includes(KEY_SEPARATOR)) {
        throw new InvalidAssetKeyError(shown, `the part ${JSON.stringify(part)} contains "/"`);
      }
      const problem = problemWithPart(part);
      if (problem) throw new InvalidAssetKeyError(shown, problem);
    }
    return new AssetKey(parts);
  }

  /**
   * Parses the form written by `toDbString` (a JSON array of parts); throws
   * InvalidAssetKeyError when the stored text is not one, or holds an invalid key.
   */
  static fromDbString(stored: string): AssetKey {
    let parsed: unknown;
    try {
      parsed = JSON.parse(stored);
    } catch {
      throw new InvalidAssetKeyError(stored, "the stored key is not valid JSON");
    }
    if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string")) {
      throw new InvalidAssetKeyError(stored, "the stored key is not a JSON array of strings");
    }
    return AssetKey.fromPath(parsed as string[]);
  }

  /** The key as users write it: parts joined by "/". */
  toUserString(): string {
    return this.userString;
  }

  /**
   * The key as the SQLite store keeps it: a JSON array of parts. JSON (not the "/" form)
   * so the stored column stays unambiguous if the rules for parts are ever relaxed.
   */
  toDbString(): string {
    return JSON.stringify(this.path);
  }

  /**
   * The warehouse table this asset produces. Decision: a one-part key names its table
   * directly ("stg_orders" → stg_orders); a multi-part key joins its parts with "__"
   * ("marts/orders" → marts__orders). Not "marts.orders": in SQLite a dot qualifies a
   * table by an attached database, so the table would live in a database named "marts".
   * The name keeps the key's case; SQLite compares table names case-insensitively, and
   * `table:` ResourceIds are lower-cased, so compare `toTableName().toLowerCase()` with them.
   * Keys "a__b" and "a/b" map to the same table; that collision is for the analysis to report.
   */
  toTableName(): string {
    return this.path.length === 1 ? this.path[0] : this.path.join(TABLE_PART_SEPARATOR);
  }

  /** True when both keys have the same parts. */
  equals(other: AssetKey): boolean {
    return this.userString === other.userString;
  }

  /** Orders keys by their user form (UTF-16 code units), the order every sorted list in the model uses. */
  compare(other: AssetKey): number {
    return compareKeyStrings(this.userString, other.userString);
  }

  /** The user form, so keys read naturally in template strings and logs. */
  toString(): string {
    return this.userString;
  }
}
