/**
 * Which keys changed since a revision, for readers that refresh often and want to touch only
 * what moved (the automation loop over thousands of assets). A bounded log: a reader further
 * behind than it keeps is told "unknown", and re-reads everything.
 */

/** The keys changed since a revision; `keys` undefined: unknown (the reader is too far behind, or new). */
export interface ChangesSince {
  readonly revision: number;
  readonly keys: ReadonlySet<string> | undefined;
}

/** Entries kept: a reader more changes behind than this re-reads everything. */
const KEPT = 512;

export class ChangeLog {
  private current = 0;
  private readonly entries: Array<{ readonly revision: number; readonly keys: readonly string[] }> = [];

  get revision(): number {
    return this.current;
  }

  /** Records that `keys` changed (nothing when empty). */
  note(keys: readonly string[]): void {
    if (keys.length === 0) return;
    this.entries.push({ revision: ++this.current, keys });
    if (this.entries.length > KEPT) this.entries.shift();
  }

  /** Records a change of unknown extent: every reader re-reads everything. */
  noteAll(): void {
    this.current++;
    this.entries.length = 0;
  }

  /** The keys changed after `revision` (undefined: a reader that has seen nothing yet). */
  since(revision: number | undefined): ChangesSince {
    if (revision === this.current) return { revision, keys: new Set() };
    const oldest = this.entries[0]?.revision;
    if (revision === undefined || revision > this.current || oldest === undefined || oldest > revision + 1)
      return { revision: this.current, keys: undefined };
    const keys = new Set<string>();
    for (let i = this.entries.length - 1; i >= 0 && this.entries[i]!.revision > revision; i--)
      for (const key of this.entries[i]!.keys) keys.add(key);
    return { revision: this.current, keys };
  }
}
