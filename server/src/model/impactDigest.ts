/**
 * What the editor's impact views read of a report: a summary whose size depends on the changes
 * the user made (not on how many assets they impact), pages of the rest (each change's
 * downstream, the owners to tell), and the overlay's tone for the keys a graph draws. Pure;
 * built once per report and kept as long as the report is, each part computed on first use.
 */
import type {
  ImpactCategory,
  ImpactChange,
  ImpactChangeSummary,
  ImpactDownstreamEntry,
  ImpactDownstreamPage,
  ImpactedAsset,
  ImpactKind,
  ImpactOwnersPage,
  ImpactReport,
  ImpactSummary,
} from "../../../protocol/impact";
import type { ImpactHighlight, ImpactTone } from "../../../protocol/impactHighlight";
import { compareKeyStrings as compare } from "./assetKey";

/** Owners the summary names; the rest are a page away. */
export const SUMMARY_OWNERS = 100;
export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 1000;
/** A breaking change's `why` names every consumer it breaks; the summary keeps it to a tooltip's length. */
export const SUMMARY_WHY = 400;

/**
 * A non-breaking change rewrites its own table (rebuild it, as for `data`); an `unknown` one
 * could not be judged, which is a warning, never a pass; a metadata-only change moves no data.
 */
const CHANGE_TONE: Record<ImpactCategory, ImpactTone> = {
  breaking: "breaking",
  unknown: "data",
  "non-breaking": "data",
  metadata: "changed",
};
const TONE_RANK: Record<ImpactTone, number> = { breaking: 0, data: 1, changed: 2 };
const IMPACT_ORDER: Record<ImpactKind, number> = { breaking: 0, data: 1 };

/**
 * What a digest knows of the downstream walk alone: each impacted key's kind, what each change
 * leads to, and their counts. Shared by the next report's digest when the walk was kept (the
 * same impacted keys, kinds and `because`), so a keystroke that moves no impact recounts nothing.
 */
interface WalkFacts {
  readonly changeKeys: string;
  readonly kinds: ReadonlyMap<string, ImpactKind>;
  /** Per change key: every impacted key listed under it, with hops from it, in walk order. */
  readonly reached: ReadonlyMap<string, ReadonlyArray<readonly [string, number]>>;
  readonly downstream: ReadonlyMap<string, { readonly breaking: number; readonly data: number }>;
}

export class ImpactDigest {
  private impactedByKey: Map<string, ImpactedAsset> | undefined;
  private facts: WalkFacts | undefined;
  private readonly sorted = new Map<string, ImpactDownstreamEntry[]>();
  private changeTones: Map<string, ImpactHighlight> | undefined;
  private summaryValue: ImpactSummary | undefined;

  /**
   * `walk` names the downstream walk the report's impacted list comes from (any object, kept by
   * the caller while the walk is); `previous`, a digest of an earlier report, lends its walk
   * facts when both name the same walk.
   */
  constructor(
    readonly report: ImpactReport,
    private readonly walk?: object,
    previous?: ImpactDigest,
  ) {
    if (walk !== undefined && previous?.walk === walk && previous.facts?.changeKeys === changeKeysOf(report))
      this.facts = previous.facts;
  }

  /** The report in counts: changes (with their downstream counts), checks, the first owners. */
  summary(): ImpactSummary {
    if (this.summaryValue) return this.summaryValue;
    const { report } = this;
    const facts = this.walkFacts();
    const changes = report.changes.map((change): ImpactChangeSummary => ({
      ...change,
      why: shortened(change.why),
      downstream: facts.downstream.get(change.key) ?? { breaking: 0, data: 0 },
    }));
    let breaking = 0;
    for (const kind of facts.kinds.values()) if (kind === "breaking") breaking += 1;
    const counts = { breaking, data: facts.kinds.size - breaking, other: 0 };
    // A changed key counts once, by its strongest tone, whether or not it is impacted too.
    for (const { key, tone } of this.tonesOfChanges().values()) {
      const kind = facts.kinds.get(key);
      if (kind) counts[kind] -= 1;
      const strongest = kind && TONE_RANK[kind] < TONE_RANK[tone] ? kind : tone;
      counts[strongest === "changed" ? "other" : strongest] += 1;
    }
    this.summaryValue = {
      base: report.base,
      counts,
      impacted: { total: facts.kinds.size, breaking, data: facts.kinds.size - breaking },
      changes,
      checks: report.checks,
      owners: { total: report.owners.length, first: report.owners.slice(0, SUMMARY_OWNERS) },
    };
    return this.summaryValue;
  }

  /** One page of what `changeKey` impacts; undefined when no change has that key. */
  downstream(changeKey: string, offset = 0, limit = DEFAULT_PAGE): ImpactDownstreamPage | undefined {
    const change = this.report.changes.find((candidate) => candidate.key === changeKey);
    if (!change) return undefined;
    const entries = this.sortedDownstream(change);
    const page = clampPage(offset, limit);
    return {
      base: this.report.base,
      change,
      total: entries.length,
      offset: page.offset,
      entries: entries.slice(page.offset, page.offset + page.limit),
    };
  }

  /** One page of the owners to tell. */
  owners(offset = 0, limit = DEFAULT_PAGE): ImpactOwnersPage {
    const page = clampPage(offset, limit);
    const { owners } = this.report;
    return {
      base: this.report.base,
      total: owners.length,
      offset: page.offset,
      owners: owners.slice(page.offset, page.offset + page.limit),
    };
  }

  /** The overlay of the changed and impacted keys among `keys`, sorted by key. */
  highlights(keys: Iterable<string>): ImpactHighlight[] {
    const found = new Map<string, ImpactHighlight>();
    for (const key of keys) {
      const highlight = this.highlightOf(key);
      if (highlight) found.set(key, highlight);
    }
    return [...found.values()].sort((a, b) => compare(a.key, b.key));
  }

  /** Every changed and impacted key's overlay entry, a key reached twice with its strongest tone. */
  toneByKey(): ReadonlyMap<string, ImpactHighlight> {
    const keys = new Set([...this.tonesOfChanges().keys(), ...this.walkFacts().kinds.keys()]);
    return new Map([...keys].map((key) => [key, this.highlightOf(key)!]));
  }

  private highlightOf(key: string): ImpactHighlight | undefined {
    const changed = this.tonesOfChanges().get(key);
    const kind = this.walkFacts().kinds.get(key);
    if (!kind) return changed;
    if (!changed) return { key, tone: kind, changed: false };
    return { key, tone: TONE_RANK[kind] < TONE_RANK[changed.tone] ? kind : changed.tone, changed: true };
  }

  /** The changed keys (a rename's old key too) with their change's tone, the strongest when a key is both. */
  private tonesOfChanges(): Map<string, ImpactHighlight> {
    if (this.changeTones) return this.changeTones;
    const tones = new Map<string, ImpactHighlight>();
    const add = (key: string, tone: ImpactTone): void => {
      const known = tones.get(key);
      tones.set(key, {
        key,
        tone: known && TONE_RANK[known.tone] < TONE_RANK[tone] ? known.tone : tone,
        changed: true,
      });
    };
    for (const change of this.report.changes) {
      add(change.key, CHANGE_TONE[change.category]);
      // The old key of a rename is still on the graph as a placeholder when something depends on it.
      if (change.previousKey !== undefined) add(change.previousKey, CHANGE_TONE[change.category]);
    }
    this.changeTones = tones;
    return tones;
  }

  private impacted(): Map<string, ImpactedAsset> {
    return (this.impactedByKey ??= new Map(this.report.impacted.map((asset) => [asset.key, asset])));
  }

  private sortedDownstream(change: ImpactChange): ImpactDownstreamEntry[] {
    let entries = this.sorted.get(change.key);
    if (!entries) {
      const byKey = this.impacted();
      entries = (this.walkFacts().reached.get(change.key) ?? []).map(([key, hops]) => ({
        hops,
        asset: byKey.get(key)!,
      }));
      entries.sort(
        (a, b) =>
          IMPACT_ORDER[a.asset.impact] - IMPACT_ORDER[b.asset.impact] ||
          a.hops - b.hops ||
          compare(a.asset.key, b.asset.key),
      );
      this.sorted.set(change.key, entries);
    }
    return entries;
  }

  /**
   * Which impacted assets each change leads to, and in how many hops: `because` names either a
   * change (a rename possibly by its old key) or another impacted asset, so a breadth-first walk
   * from each change along `because` backwards gives the shortest distance, cycles included.
   */
  private walkFacts(): WalkFacts {
    if (this.facts) return this.facts;
    const kinds = new Map<string, ImpactKind>();
    const consumers = new Map<string, string[]>();
    for (const asset of this.report.impacted) {
      kinds.set(asset.key, asset.impact);
      for (const because of asset.because) {
        const list = consumers.get(because.key);
        if (list) list.push(asset.key);
        else consumers.set(because.key, [asset.key]);
      }
    }
    const reached = new Map<string, Array<readonly [string, number]>>();
    const downstream = new Map<string, { breaking: number; data: number }>();
    for (const change of this.report.changes) {
      const found: Array<readonly [string, number]> = [];
      const counts = { breaking: 0, data: 0 };
      const seen = new Set<string>([change.key, ...(change.previousKey !== undefined ? [change.previousKey] : [])]);
      let frontier = [...seen];
      for (let hops = 1; frontier.length > 0; hops += 1) {
        const next: string[] = [];
        for (const key of frontier) {
          for (const consumer of consumers.get(key) ?? []) {
            if (seen.has(consumer)) continue;
            seen.add(consumer);
            next.push(consumer);
            found.push([consumer, hops]);
            counts[kinds.get(consumer)!] += 1;
          }
        }
        frontier = next;
      }
      reached.set(change.key, found);
      downstream.set(change.key, counts);
    }
    this.facts = { changeKeys: changeKeysOf(this.report), kinds, reached, downstream };
    return this.facts;
  }
}

function changeKeysOf(report: ImpactReport): string {
  return JSON.stringify(report.changes.map((change) => [change.key, change.previousKey ?? null]));
}

/** Every changed and impacted key of `report` with its overlay tone, sorted by key. */
export function impactHighlights(report: ImpactReport): ImpactHighlight[] {
  return [...new ImpactDigest(report).toneByKey().values()].sort((a, b) => compare(a.key, b.key));
}

function clampPage(offset: number, limit: number): { offset: number; limit: number } {
  return { offset: Math.max(0, Math.floor(offset)), limit: Math.min(MAX_PAGE, Math.max(1, Math.floor(limit))) };
}

function shortened(why: string): string {
  if (why.length <= SUMMARY_WHY) return why;
  const cut = why.lastIndexOf(" ", SUMMARY_WHY - 1);
  return `${why.slice(0, cut > SUMMARY_WHY / 2 ? cut : SUMMARY_WHY - 1)}…`;
}
