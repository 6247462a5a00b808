import assert from "node:assert/strict";
import { AssetGraph } from "../../server/src/model/graph";
import {
  parseSelection,
  resolveSelection,
  selectKeys,
  type Selection,
  type SelectionTerm,
} from "../../server/src/model/selection";
import { makeAsset } from "./support/defs";

/** raw(source) → stg_orders → marts/orders → report; missing(placeholder) → stg_customers → marts/orders. */
function shopGraph(): AssetGraph {
  return AssetGraph.fromDefinitions(
    [
      makeAsset({ key: "raw", kind: "source", group: "raw" }),
      makeAsset({ key: "stg_orders", deps: ["raw"], group: "staging", owners: ["team:analytics"], kinds: ["sqlite"] }),
      makeAsset({ key: "stg_customers", deps: ["missing"], group: "staging", owners: ["ana@example.com"] }),
      makeAsset({
        key: "marts/orders",
        deps: ["stg_orders", "stg_customers"],
        kinds: ["sqlite", "python"],
        tags: { tier: "gold" },
      }),
      makeAsset({ key: "report", deps: ["marts/orders"], tags: { tier: "silver", pii: "" } }),
    ],
    [],
  );
}

function parse(text: string): Selection {
  const result = parseSelection(text);
  if (!result.ok) assert.fail(`expected "${text}" to parse: ${result.error}`);
  return result.selection;
}

function parseError(text: string): string {
  const result = parseSelection(text);
  if (result.ok) assert.fail(`expected "${text}" not to parse`);
  return result.error;
}

function onlyTerm(text: string): SelectionTerm {
  const terms = parse(text).terms;
  assert.equal(terms.length, 1);
  return terms[0];
}

function select(text: string) {
  return selectKeys(shopGraph(), parse(text));
}

describe("model: selection", () => {
  describe("parseSelection", () => {
    it("parses each kind of target", () => {
      assert.deepEqual(onlyTerm("*").target, { type: "all" });
      assert.deepEqual(onlyTerm("marts/orders").target, { type: "key", key: "marts/orders" });
      assert.deepEqual(onlyTerm("group:staging").target, { type: "attribute", attribute: "group", value: "staging" });
      assert.deepEqual(onlyTerm("owner:team:analytics").target, {
        type: "attribute",
        attribute: "owner",
        value: "team:analytics",
      });
      assert.deepEqual(onlyTerm("kind:sqlite").target, { type: "attribute", attribute: "kind", value: "sqlite" });
      assert.deepEqual(onlyTerm("tag:tier=gold").target, { type: "tag", tag: "tier", value: "gold" });
      assert.deepEqual(onlyTerm("tag:pii").target, { type: "tag", tag: "pii", value: undefined });
      assert.deepEqual(onlyTerm("tag:pii=").target, { type: "tag", tag: "pii", value: "" });
    });

    it("parses '+' and depths on either side", () => {
      const depths = (text: string) => {
        const term = onlyTerm(text);
        return [term.upstream, term.downstream];
      };
      assert.deepEqual(depths("a"), [0, 0]);
      assert.deepEqual(depths("+a"), ["all", 0]);
      assert.deepEqual(depths("a+"), [0, "all"]);
      assert.deepEqual(depths("+a+"), ["all", "all"]);
      assert.deepEqual(depths("2+a"), [2, 0]);
      assert.deepEqual(depths("a+1"), [0, 1]);
      assert.deepEqual(depths("3+group:staging+12"), [3, 12]);
      assert.deepEqual(depths("2024_orders"), [0, 0], "a key may start with digits");
    });

    it("keeps '+' inside an owner value", () => {
      assert.deepEqual(onlyTerm("owner:ana+data@example.com").target, {
        type: "attribute",
        attribute: "owner",
        value: "ana+data@example.com",
      });
    });

    it("splits terms on commas and spaces, in any mix", () => {
      const texts = parse(" a, +b  group:x,,kind:y\n").terms.map((term) => term.text);
      assert.deepEqual(texts, ["a", "+b", "group:x", "kind:y"]);
    });

    it("explains an unknown attribute", () => {
      assert.equal(
        parseError("grp:staging"),
        `unknown attribute "grp:" in "grp:staging"; expected group:, owner:, kind: or tag:`,
      );
    });

    it("explains other mistakes", () => {
      assert.match(parseError(""), /selection is empty/);
      assert.match(parseError(" , "), /selection is empty/);
      assert.match(parseError("group:"), /"group:" needs a value in "group:", e\.g\. group:staging/);
      assert.match(parseError("+"), /nothing to select/);
      assert.match(parseError("2+"), /nothing to select/);
      assert.match(parseError("++a"), /more than one "\+"/);
      assert.match(parseError("a++"), /more than one "\+"/);
      assert.match(parseError("a//b"), /"a\/\/b" is not a valid key: it has an empty part/);
      assert.match(parseError("marts/*"), /"\*" only works alone/);
      assert.match(parseError("tag:=gold"), /needs a tag name/);
    });
  });

  describe("selectKeys", () => {
    it("selects one key", () => {
      assert.deepEqual(select("stg_orders"), { keys: ["stg_orders"], unmatched: [] });
    });

    it("selects everything defined with '*', in topological order, without placeholders", () => {
      assert.deepEqual(select("*").keys, ["raw", "stg_customers", "stg_orders", "marts/orders", "report"]);
    });

    it("selects all upstream with '+key' and all downstream with 'key+'", () => {
      assert.deepEqual(select("+marts/orders").keys, ["raw", "stg_customers", "stg_orders", "marts/orders"]);
      assert.deepEqual(select("stg_orders+").keys, ["stg_orders", "marts/orders", "report"]);
      assert.deepEqual(select("+stg_orders+").keys, ["raw", "stg_orders", "marts/orders", "report"]);
    });

    it("limits '+' to the given depth", () => {
      assert.deepEqual(select("1+report").keys, ["marts/orders", "report"]);
      assert.deepEqual(select("2+report").keys, ["stg_customers", "stg_orders", "marts/orders", "report"]);
      assert.deepEqual(select("raw+1").keys, ["raw", "stg_orders"]);
      assert.deepEqual(select("raw+2").keys, ["raw", "stg_orders", "marts/orders"]);
      assert.deepEqual(select("0+report+0").keys, ["report"]);
    });

    it("selects by group, owner, kind and tag", () => {
      assert.deepEqual(select("group:staging").keys, ["stg_customers", "stg_orders"]);
      assert.deepEqual(select("owner:team:analytics").keys, ["stg_orders"]);
      assert.deepEqual(select("owner:ana@example.com").keys, ["stg_customers"]);
      assert.deepEqual(select("kind:sqlite").keys, ["stg_orders", "marts/orders"]);
      assert.deepEqual(select("tag:tier=gold").keys, ["marts/orders"]);
      assert.deepEqual(select("tag:tier").keys, ["marts/orders", "report"]);
      assert.deepEqual(select("tag:pii=").keys, ["report"]);
    });

    it("applies '+' to every asset an attribute matches", () => {
      assert.deepEqual(select("+group:staging").keys, ["raw", "stg_customers", "stg_orders"]);
      assert.deepEqual(select("group:staging+1").keys, ["stg_customers", "stg_orders", "marts/orders"]);
    });

    it("unions terms separated by commas and spaces, toposorted", () => {
      assert.deepEqual(select("report, raw stg_orders,report").keys, ["raw", "stg_orders", "report"]);
    });

    it("never selects placeholders, but walks through them", () => {
      assert.deepEqual(select("+stg_customers").keys, ["stg_customers"]);
      assert.deepEqual(select("missing+1").keys, ["stg_customers"]);
      assert.deepEqual(select("missing"), { keys: [], unmatched: ["missing"] });
    });

    it("reports the terms that matched nothing, as written", () => {
      const result = select("stg_orders, stg_ordrs group:nope +kind:java tag:tier=bronze");
      assert.deepEqual(result.keys, ["stg_orders"]);
      assert.deepEqual(result.unmatched, ["stg_ordrs", "group:nope", "+kind:java", "tag:tier=bronze"]);
    });

    it("matches attribute values exactly", () => {
      assert.deepEqual(select("group:Staging").unmatched, ["group:Staging"]);
      assert.deepEqual(select("owner:team").unmatched, ["owner:team"]);
    });
  });

  describe("resolveSelection", () => {
    it("gives the keys when every term matches", () => {
      assert.deepEqual(resolveSelection(shopGraph(), "stg_orders+1"), {
        ok: true,
        keys: ["stg_orders", "marts/orders"],
      });
    });

    it("makes a term that matches nothing an error, naming it", () => {
      assert.deepEqual(resolveSelection(shopGraph(), "stg_orders stg_ordrs, group:nope"), {
        ok: false,
        error: 'nothing matches "stg_ordrs", "group:nope"',
        unmatched: ["stg_ordrs", "group:nope"],
      });
    });

    it("passes the parser's message on for bad syntax", () => {
      assert.deepEqual(resolveSelection(shopGraph(), "colour:red"), {
        ok: false,
        error: 'unknown attribute "colour:" in "colour:red"; expected group:, owner:, kind: or tag:',
        unmatched: [],
      });
    });

    it("never echoes a huge selection whole", () => {
      const many = Array.from({ length: 20_000 }, (_, i) => `missing_${i}`).join(" ");
      const manyError = resolveSelection(shopGraph(), many);
      assert.ok(!manyError.ok);
      assert.equal(
        manyError.error,
        'nothing matches "missing_0", "missing_1", "missing_2", "missing_3", "missing_4" and 19995 more terms',
      );
      const long = "x".repeat(130_000);
      const longError = resolveSelection(shopGraph(), long);
      assert.ok(!longError.ok);
      assert.equal(longError.error, `nothing matches "${"x".repeat(79)}…"`);
      const badKey = resolveSelection(shopGraph(), `${"y".repeat(130_000)}/`);
      assert.ok(!badKey.ok);
      assert.ok(badKey.error.length < 300, badKey.error.slice(0, 300));
    });
  });
});
