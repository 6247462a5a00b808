import assert from "node:assert/strict";
import { nextDescription, nextTooltip } from "../../client/src/nextText";
import type { AssetNext } from "../../protocol/status";

const NOW = new Date(2026, 11, 1, 22, 0).getTime();
const MIN = 60_000;
const cron: AssetNext = {
  expectedAt: new Date(2026, 12 - 1, 2, 6, 4).getTime(),
  durationP50Ms: 4 * MIN,
  durationP90Ms: 6.2 * MIN,
  willBeOverdue: false,
  basis: "cron 0 6 * * * at 06:00, takes about 4 min",
};

describe("client: the Assets view's words for when an asset is next ready", () => {
  it("says when, why, how long and whether it meets its freshness policy", () => {
    assert.equal(nextDescription(cron, NOW), "next in 8 h");
    assert.equal(
      nextTooltip(cron, NOW),
      "Next materialization: 2026-12-02 06:04 (in 8 h) — cron 0 6 * * * at 06:00, takes about 4 min\n" +
        "Expected duration: 4 min (p50), 6 min (p90)\nWill be overdue: no",
    );
  });

  it("flags a next run after the deadline, and a deadline nothing will meet", () => {
    const late = { ...cron, expectedAt: NOW + 12 * MIN, willBeOverdue: true };
    assert.equal(nextDescription(late, NOW), "⏰ next in 12 min, after its deadline");
    assert.match(nextTooltip(late, NOW), /\nWill be overdue: yes, its freshness deadline passes first$/);
    const never = {
      ...cron,
      expectedAt: undefined,
      willBeOverdue: true,
      basis: "no automation condition will materialize it",
    };
    assert.equal(nextDescription(never, NOW), "⏰ nothing will rebuild it before its deadline");
    assert.match(nextTooltip(never, NOW), /^Next materialization: not expected — no automation condition/);
  });

  it("says nothing beside an asset nothing rebuilds and no deadline concerns; 'now' when due", () => {
    const manual: AssetNext = {
      expectedAt: undefined,
      durationP50Ms: undefined,
      durationP90Ms: undefined,
      willBeOverdue: undefined,
      basis: "no automation condition will materialize it",
    };
    assert.equal(nextDescription(manual, NOW), undefined);
    assert.equal(
      nextTooltip(manual, NOW),
      "Next materialization: not expected — no automation condition will materialize it\nExpected duration: not known yet (never timed)",
    );
    assert.equal(nextDescription({ ...cron, expectedAt: NOW + 20_000 }, NOW), "next now");
  });
});
