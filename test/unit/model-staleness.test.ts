import assert from "node:assert/strict";
import { workspaceFreshness, type FreshnessAsset } from "../../server/src/model/freshness";
import type { AssetHistory } from "../../server/src/model/history";
import { upstreamStaleness } from "../../server/src/model/staleness";

const MIN = 60_000;
const START = 1_700_000_000_000;

/**
 * A workspace and its history, built the way runs build it: each materialization gets the
 * next event id and consumes each parent's latest materialization at that moment.
 */
class Workspace {
  readonly assets = new Map<
    string,
    { key: string; kind: "asset" | "source"; codeVersion: string; deps: { key: string }[] }
  >();
  readonly history = new Map<string, AssetHistory>();
  private eventId = 0;
  now = START;

  asset(key: string, deps: string[] = [], kind: "asset" | "source" = "asset"): this {
    this.assets.set(key, { key, kind, codeVersion: "v1", deps: deps.map((dep) => ({ key: dep })) });
    return this;
  }

  materialize(...keys: string[]): this {
    for (const key of keys) {
      this.now += MIN;
      const asset = this.assets.get(key)!;
      const consumed: Record<string, number> = {};
      for (const { key: parent } of asset.deps) {
        const latest = this.history.get(parent)?.materialization;
        if (latest) consumed[parent] = latest.eventId;
      }
      const materialization = {
        eventId: ++this.eventId,
        assetKey: key,
        timestamp: this.now,
        codeVersion: asset.codeVersion,
        consumed,
      };
      this.history.set(key, { materialization, failure: undefined, checks: [] });
    }
    return this;
  }

  editCode(key: string): this {
    this.assets.get(key)!.codeVersion = "v2";
    return this;
  }

  freshness(): Map<string, [string, string]> {
    const assets: FreshnessAsset[] = [...this.assets.values()].map((asset) => ({ ...asset, freshness: undefined }));
    const result = workspaceFreshness(assets, this.history, this.now + MIN);
    return new Map([...result].map(([key, f]) => [key, [f.state, f.reason]]));
  }
}

/** The example's shape: raw_orders → stg_orders → orders → customers → customer_segments, orders → monthly_revenue. */
function shop(): Workspace {
  return new Workspace()
    .asset("raw_orders", [], "source")
    .asset("stg_orders", ["raw_orders"])
    .asset("stg_customers")
    .asset("orders", ["stg_orders"])
    .asset("customers", ["stg_customers", "orders"])
    .asset("customer_segments", ["customers"])
    .asset("monthly_revenue", ["orders"])
    .materialize("stg_orders", "stg_customers", "orders", "customers", "customer_segments", "monthly_revenue");
}

describe("model: transitive staleness", () => {
  it("everything is fresh after a full build", () => {
    for (const [key, [state]] of shop().freshness()) assert.equal(state, "fresh", key);
  });

  it("re-materializing stg_orders makes the whole downstream upstream-changed, naming stg_orders", () => {
    const states = shop().materialize("stg_orders").freshness();
    assert.deepEqual(states.get("orders"), [
      "upstream-changed",
      "upstream stg_orders materialized 4 min after this one",
    ]);
    assert.deepEqual(states.get("customers"), [
      "upstream-changed",
      "upstream stg_orders changed and orders has not been rebuilt since",
    ]);
    assert.deepEqual(states.get("customer_segments"), [
      "upstream-changed",
      "upstream stg_orders changed and customers has not been rebuilt since",
    ]);
    assert.deepEqual(states.get("monthly_revenue"), [
      "upstream-changed",
      "upstream stg_orders changed and orders has not been rebuilt since",
    ]);
    assert.equal(states.get("stg_customers")![0], "fresh", "not downstream of stg_orders");
    assert.equal(states.get("stg_orders")![0], "fresh");
  });

  it("rebuilding the next asset moves the direct cause down, the rest stays stale", () => {
    const states = shop().materialize("stg_orders", "orders").freshness();
    assert.equal(states.get("orders")![0], "fresh");
    assert.match(states.get("customers")![1], /^upstream orders materialized .* after this one$/);
    assert.deepEqual(states.get("customer_segments"), [
      "upstream-changed",
      "upstream orders changed and customers has not been rebuilt since",
    ]);
  });

  it("a code change not yet materialized makes the downstream upstream-changed", () => {
    const states = shop().editCode("orders").freshness();
    assert.equal(states.get("orders")![0], "code-changed");
    assert.deepEqual(states.get("customers"), [
      "upstream-changed",
      "upstream orders has code changes not materialized yet",
    ]);
    assert.deepEqual(states.get("customer_segments"), [
      "upstream-changed",
      "upstream orders has code changes not materialized yet (through customers)",
    ]);
  });

  it("names each root once, counting the others", () => {
    const states = shop().materialize("stg_customers", "stg_orders").freshness();
    assert.deepEqual(states.get("customer_segments"), [
      "upstream-changed",
      "upstream stg_orders changed and customers has not been rebuilt since (and 1 more upstream)",
    ]);
  });

  it("a new observation of a source reaches the whole downstream too", () => {
    const workspace = shop().materialize("raw_orders");
    const states = workspace.freshness();
    assert.match(states.get("stg_orders")![1], /^upstream raw_orders materialized/);
    assert.deepEqual(states.get("customer_segments"), [
      "upstream-changed",
      "upstream raw_orders changed and customers has not been rebuilt since",
    ]);
  });

  it("an asset never built passes nothing on, and is never-materialized itself", () => {
    const workspace = new Workspace().asset("a").asset("b", ["a"]).asset("c", ["b"]).materialize("a", "c");
    const states = workspace.freshness();
    assert.equal(states.get("b")![0], "never-materialized");
    assert.equal(states.get("c")![0], "fresh");
  });

  it("survives cycles and chains far deeper than the call stack", () => {
    const cycle = new Workspace().asset("a", ["b"]).asset("b", ["a"]).materialize("a", "b");
    // a never consumed b (b was built after it): a direct cause, and nothing loops back to b.
    assert.deepEqual(upstreamStaleness([...cycle.assets.values()], cycle.history), new Map());
    assert.equal(cycle.freshness().get("a")![0], "upstream-changed");
    const chain = new Workspace().asset("k0");
    const depth = 50_000;
    for (let i = 1; i < depth; i++) chain.asset(`k${i}`, [`k${i - 1}`]);
    chain.materialize(...Array.from({ length: depth }, (_, i) => `k${i}`)).materialize("k0");
    const causes = upstreamStaleness([...chain.assets.values()], chain.history);
    assert.equal(causes.size, depth - 2, "every asset below k1 is stale through its parent");
    assert.deepEqual(causes.get(`k${depth - 1}`), [{ root: "k0", change: "materialized", via: `k${depth - 2}` }]);
  });
});
