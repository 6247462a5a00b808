import { StringPool } from "../flatStrings";

/**
 * Keys as strings of their own, one per distinct key. The scan's names are substrings of the
 * file's text, which V8 keeps as views into it ("sliced" strings); those compare an order of
 * magnitude slower than flat strings (sorting the 13,400 keys of the 3,000-file benchmark:
 * 7–27 ms against 0.6 ms), and linking sorts, maps and binary-searches by key throughout, as
 * the snapshot's users do after it. Interning also makes equal keys one string, so a dep and
 * the key it names compare by identity.
 */

/** A bound for long editing sessions, where every keystroke inside a key is a new key. */
const interned = new StringPool(200_000);

/** The one flat string with the same text as `key`. */
export function internKey(key: string): string {
  return interned.intern(key);
}
