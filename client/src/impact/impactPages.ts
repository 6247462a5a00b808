/**
 * The pages of impact lists the view has loaded for the current summary: each change's
 * downstream and the owners to tell. A new summary drops the pages but keeps how far the user
 * paged each list, so typing does not fold a long list back to its first page. No vscode
 * import: the requests come in as functions, so paging is unit-tested without a server.
 */
import type {
  ImpactDownstreamEntry,
  ImpactDownstreamPage,
  ImpactOwnersPage,
  ImpactPageParams,
  ImpactSummary,
} from "../../../protocol/impact";
import type { ImpactList, Loaded } from "./tree";

/** Entries per "N more"; the server's own default page. */
export const PAGE_SIZE = 200;
/** The most the server answers in one page. */
const MAX_PAGE = 1000;

export interface ImpactPageSource {
  downstream(change: string, page: ImpactPageParams): Promise<ImpactDownstreamPage>;
  owners(page: ImpactPageParams): Promise<ImpactOwnersPage>;
}

export class ImpactPages {
  private readonly downstreamLists = new Map<string, Promise<Loaded<ImpactDownstreamEntry>>>();
  private ownersList: Promise<Loaded<string>> | undefined;
  /** Entries the user has asked to see per list (a change's key; `owners` for the owners, kept apart by the prefix). */
  private readonly wanted = new Map<string, number>();

  constructor(private readonly source: ImpactPageSource) {}

  /** A new summary: the pages loaded so far are stale. */
  reset(): void {
    this.downstreamLists.clear();
    this.ownersList = undefined;
  }

  /** What `change` impacts, as far as the user has paged it (the first page at first). */
  downstream(change: string): Promise<Loaded<ImpactDownstreamEntry>> {
    let list = this.downstreamLists.get(change);
    if (!list) {
      const want = this.wanted.get(listId({ list: "downstream", change })) ?? PAGE_SIZE;
      list = loadUpTo(want, { entries: [], total: Number.POSITIVE_INFINITY }, (offset, limit) =>
        this.source
          .downstream(change, { offset, limit })
          .then((page) => ({ entries: page.entries, total: page.total })),
      );
      this.forgetOnFailure(list, () => this.downstreamLists.delete(change));
      this.downstreamLists.set(change, list);
    }
    return list;
  }

  /** The owners to tell: the summary's first ones, and as many more as the user paged. */
  owners(summary: ImpactSummary): Promise<Loaded<string>> {
    if (!this.ownersList) {
      const want = this.wanted.get(listId({ list: "owners" })) ?? summary.owners.first.length;
      const list = loadUpTo(want, { entries: summary.owners.first, total: summary.owners.total }, (offset, limit) =>
        this.source.owners({ offset, limit }).then((page) => ({ entries: page.owners, total: page.total })),
      );
      this.forgetOnFailure(list, () => (this.ownersList = undefined));
      this.ownersList = list;
    }
    return this.ownersList;
  }

  /** Loads the next page of `list`; resolves once the view can list it. */
  async more(summary: ImpactSummary, list: ImpactList): Promise<void> {
    const loaded = await (list.list === "owners" ? this.owners(summary) : this.downstream(list.change));
    this.wanted.set(listId(list), loaded.entries.length + PAGE_SIZE);
    if (list.list === "owners") this.ownersList = undefined;
    else this.downstreamLists.delete(list.change);
    await (list.list === "owners" ? this.owners(summary) : this.downstream(list.change));
  }

  private forgetOnFailure(list: Promise<unknown>, forget: () => void): void {
    // A failed load is asked again next time rather than kept.
    list.catch(forget);
  }
}

function listId(list: ImpactList): string {
  return list.list === "owners" ? "owners" : `downstream:${list.change}`;
}

/**
 * `start` extended a page at a time (each at most the server's largest) until it holds `want`
 * entries or the whole list; the total is the last page's, as the list may have changed.
 */
export async function loadUpTo<T>(
  want: number,
  start: Loaded<T>,
  fetch: (offset: number, limit: number) => Promise<Loaded<T>>,
): Promise<Loaded<T>> {
  let entries = [...start.entries];
  let total = start.total;
  while (entries.length < Math.min(want, total)) {
    const page = await fetch(entries.length, Math.min(MAX_PAGE, want - entries.length));
    entries = [...entries, ...page.entries];
    total = page.total;
    if (page.entries.length === 0) break;
  }
  return { entries: entries.slice(0, Math.max(want, 0)), total };
}
