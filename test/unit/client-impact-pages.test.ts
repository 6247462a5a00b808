import assert from "node:assert/strict";
import { ImpactPages, loadUpTo, PAGE_SIZE } from "../../client/src/impact/impactPages";
import type { ImpactPageParams, ImpactReport } from "../../protocol/impact";
import { ImpactDigest } from "../../server/src/model/impactDigest";
import { jaffleImpact } from "./support/impactReport";

/** A report where stg_orders impacts `n` direct consumers and `n` owners own them. */
function wideReport(n: number): ImpactReport {
  const report = jaffleImpact();
  const name = (i: number) => String(i).padStart(5, "0");
  return {
    ...report,
    impacted: Array.from({ length: n }, (_, i) => ({
      key: `consumer_${name(i)}`,
      impact: "data" as const,
      distance: 1,
      because: [{ key: "stg_orders", why: "reads stg_orders" }],
      owners: [`team:${name(i)}`],
      checks: [],
    })),
    owners: Array.from({ length: n }, (_, i) => `team:${name(i)}`),
  };
}

/** The server's answers, from the digest of `report`, with every page asked for recorded. */
function sourceOf(report: ImpactReport) {
  const digest = new ImpactDigest(report);
  const asked: string[] = [];
  return {
    asked,
    summary: digest.summary(),
    source: {
      downstream: (change: string, page: ImpactPageParams) => {
        asked.push(`${change} ${page.offset} ${page.limit}`);
        const answer = digest.downstream(change, page.offset, page.limit);
        return answer ? Promise.resolve(answer) : Promise.reject(new Error(`${change} is not changed`));
      },
      owners: (page: ImpactPageParams) => {
        asked.push(`owners ${page.offset} ${page.limit}`);
        return Promise.resolve(digest.owners(page.offset, page.limit));
      },
    },
  };
}

describe("client: the impact view's pages", () => {
  it("loads a change's first page once, and the next page for each 'more'", async () => {
    const { asked, summary, source } = sourceOf(wideReport(450));
    const pages = new ImpactPages(source);
    const first = await pages.downstream("stg_orders");
    assert.deepEqual([first.entries.length, first.total], [PAGE_SIZE, 450]);
    await pages.downstream("stg_orders");
    assert.deepEqual(asked, ["stg_orders 0 200"], "the second listing is served from what was loaded");
    await pages.more(summary, { list: "downstream", change: "stg_orders" });
    const second = await pages.downstream("stg_orders");
    assert.equal(second.entries.length, 400);
    assert.equal(second.entries[399]!.asset.key, "consumer_00399");
    assert.equal(new Set(second.entries.map((entry) => entry.asset.key)).size, 400, "no entry twice");
  });

  it("after a new summary, loads again as far as the user had paged", async () => {
    const { asked, summary, source } = sourceOf(wideReport(450));
    const pages = new ImpactPages(source);
    await pages.downstream("stg_orders");
    await pages.more(summary, { list: "downstream", change: "stg_orders" });
    asked.length = 0;
    pages.reset();
    const again = await pages.downstream("stg_orders");
    assert.equal(again.entries.length, 400);
    assert.deepEqual(asked, ["stg_orders 0 400"]);
  });

  it("starts the owners with the summary's first ones and pages the rest", async () => {
    const { asked, summary, source } = sourceOf(wideReport(450));
    const pages = new ImpactPages(source);
    const first = await pages.owners(summary);
    assert.deepEqual([first.entries.length, first.total, asked.length], [summary.owners.first.length, 450, 0]);
    await pages.more(summary, { list: "owners" });
    const more = await pages.owners(summary);
    assert.equal(more.entries.length, summary.owners.first.length + PAGE_SIZE);
    assert.equal(more.entries.at(-1), `team:${String(more.entries.length - 1).padStart(5, "0")}`);
  });

  it("asks again after a failed load rather than keeping the failure", async () => {
    const { source } = sourceOf(jaffleImpact());
    const pages = new ImpactPages(source);
    await assert.rejects(pages.downstream("gone"), /gone is not changed/);
    await assert.rejects(pages.downstream("gone"), /gone is not changed/);
    assert.equal((await pages.downstream("stg_orders")).total, 3);
  });

  it("loads in pages of at most the server's largest until it has what is wanted or the whole list", async () => {
    const calls: Array<[number, number]> = [];
    const list = Array.from({ length: 2500 }, (_, i) => i);
    const fetch = (offset: number, limit: number) => {
      calls.push([offset, limit]);
      return Promise.resolve({ entries: list.slice(offset, offset + limit), total: list.length });
    };
    const loaded = await loadUpTo(2200, { entries: [], total: Number.POSITIVE_INFINITY }, fetch);
    assert.equal(loaded.entries.length, 2200);
    assert.deepEqual(calls, [
      [0, 1000],
      [1000, 1000],
      [2000, 200],
    ]);
    const short = await loadUpTo(5000, { entries: [], total: Number.POSITIVE_INFINITY }, (offset, limit) =>
      Promise.resolve({ entries: list.slice(offset, Math.min(offset + limit, 10)), total: 10 }),
    );
    assert.deepEqual([short.entries.length, short.total], [10, 10]);
  });
});
