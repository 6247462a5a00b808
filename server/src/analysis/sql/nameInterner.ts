import { ownString } from "../flatStrings";

/**
 * Lower-case names read from SQL texts, one string per distinct name: the fast parser asks for
 * ~400,000 names in a cold analysis of 3,000 files, of far fewer distinct ones. A name found
 * again costs a probe and a character comparison instead of a substring, its lower-casing and
 * (in the facts that keep it) a copy; and each string handed out is a flat one of its own, never
 * a view that keeps the SQL text it was read from alive (../flatStrings.ts).
 */

const SLOTS = 1 << 16;
/** Past this many names (typing in the editor invents new ones), start over: sharing is only a saving. */
const MAX_NAMES = SLOTS >> 1;

let strings: Array<string | undefined> = new Array<string | undefined>(SLOTS).fill(undefined);
const hashes = new Int32Array(SLOTS);
let count = 0;

const RECENT = 256;
const recentNames: Array<string | undefined> = new Array<string | undefined>(RECENT).fill(undefined);
const recentHashes = new Int32Array(RECENT);

/**
 * The ASCII name sql[start, end) lower-cased, whose lower-case characters hash to `hash`
 * (sqlKeywords.ts' hashStep from 0).
 */
export function internedLowerName(sql: string, start: number, end: number, hash: number): string {
  const length = end - start;
  // Most names recur within a few statements (aliases, a file's tables, the workspace's common
  // columns): a small table of the latest stays in the CPU's cache, which the big one, read between
  // two files' TypeScript parses, does not.
  const recent = (hash ^ (hash >>> 8) ^ (hash >>> 16)) & (RECENT - 1);
  const latest = recentNames[recent];
  if (
    recentHashes[recent] === hash &&
    latest !== undefined &&
    latest.length === length &&
    sameLowerCase(sql, start, latest)
  )
    return latest;
  const found = lookUp(sql, start, end, hash);
  recentHashes[recent] = hash;
  recentNames[recent] = found;
  return found;
}

function lookUp(sql: string, start: number, end: number, hash: number): string {
  const length = end - start;
  let slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
  // The hashes first: no ASCII name the tokenizer hands here hashes to 0, so 0 marks a free slot,
  // and a probe past another name costs no load of that name's string.
  for (let known = hashes[slot]!; known !== 0; known = hashes[slot]!) {
    if (known === hash) {
      const name = strings[slot]!;
      if (name.length === length && sameLowerCase(sql, start, name)) return name;
    }
    slot = (slot + 1) & (SLOTS - 1);
  }
  if (count >= MAX_NAMES) {
    strings = new Array<string | undefined>(SLOTS).fill(undefined);
    hashes.fill(0);
    count = 0;
    slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
  }
  const own = ownString(sql.slice(start, end).toLowerCase());
  strings[slot] = own;
  hashes[slot] = hash;
  count++;
  return own;
}

function sameLowerCase(sql: string, start: number, known: string): boolean {
  for (let k = 0; k < known.length; k++) {
    const c = sql.charCodeAt(start + k);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== known.charCodeAt(k)) return false;
  }
  return true;
}
