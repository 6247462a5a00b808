/**
 * Strings of their own. In V8 a substring of 13 or more characters is a view that keeps the whole
 * string it was cut from alive (a table name its SQL text, a key its file), and a view compares an
 * order of magnitude slower than a flat string (sorting the 13,400 keys of the 3,000-file
 * benchmark: 7–27 ms against 0.6 ms). What the analysis keeps for its whole life goes through these.
 */

/** The same characters in a string of their own, not a view into (and a reason to keep) a larger one. */
export function ownString<T extends string>(text: T): T {
  // Shorter substrings are copies already; an Array join of two parts always builds a new flat
  // string, at a fraction of the cost of the JSON round trip this used to be (~13,000 new table
  // names and their resource ids in a cold analysis of 3,000 files).
  return text.length < 13 ? text : ([text.slice(0, 1), text.slice(1)].join("") as T);
}

/**
 * One string of its own per distinct text, so equal texts are one string (compared by identity
 * first). Past `limit` texts it starts over: typing in the editor invents new ones, and sharing
 * is only a saving.
 */
export class StringPool {
  // Keyed by the pooled string itself, never by the text asked with: that may be a view.
  private readonly strings = new Map<string, string>();

  constructor(private readonly limit: number) {}

  intern(text: string): string {
    let pooled = this.strings.get(text);
    if (pooled === undefined) {
      if (this.strings.size >= this.limit) this.strings.clear();
      pooled = ownString(text);
      this.strings.set(pooled, pooled);
    }
    return pooled;
  }
}
