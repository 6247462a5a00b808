import assert from "node:assert/strict";
import { NAME_PATTERN, assetAtCursor, assetNamed, assetPickRows, looksLikeSelection } from "../../client/src/assetPick";
import { formatRun } from "../../client/src/runText";
import { lineageGraph, lineageNode } from "./support/lineage";
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import { assetLink, parseAssetLink } from "../../protocol/links";

describe("links into the editor", () => {
  it("writes and reads asset links, with a check and a run", () => {
    assert.equal(assetLink({ key: "marts/orders" }), "vscode://assetline.assetline/asset?key=marts/orders");
    const link = assetLink({ key: "marts/orders", check: "ids unique", run: "r-1" });
    assert.equal(link, "vscode://assetline.assetline/asset?key=marts/orders&check=ids%20unique&run=r-1");
    const uri = new URL(link);
    assert.deepEqual(parseAssetLink(uri.pathname, uri.search.slice(1)), {
      ok: true,
      link: { key: "marts/orders", check: "ids unique", run: "r-1" },
    });
    // VS Code hands the query over decoded or encoded depending on the caller: both read the same.
    assert.deepEqual(parseAssetLink("/asset", "key=marts%2Forders&run="), { ok: true, link: { key: "marts/orders" } });
  });

  it("says what is wrong with a link that is not one", () => {
    const noKey = parseAssetLink("/asset", "check=x");
    assert.equal(noKey.ok, false);
    assert.match(!noKey.ok ? noKey.error : "", /names no asset/);
    const otherPath = parseAssetLink("/run", "key=a");
    assert.match(!otherPath.ok ? otherPath.error : "", /path "\/run"/);
    assert.deepEqual(parseAssetLink("/asset", "key=%E0%A4%A"), { ok: true, link: { key: "%E0%A4%A" } });
  });
});

describe("client: Go to Asset rows", () => {
  const at = (file: string, line: number) => ({
    uri: `file:///ws/${file}`,
    range: { start: { line, character: 0 }, end: { line, character: 5 } },
  });
  const node = (key: string, extra: Partial<LineageNode>): LineageNode =>
    lineageNode(key, { location: at(`src/${key}.ts`, 2), ...extra });
  const graph: LineageGraph = {
    version: 1,
    nodes: [
      node("raw_orders", { kind: "source" }),
      node("marts/orders", {
        group: "marts",
        owners: ["team:analytics"],
        kinds: ["sqlite"],
        status: {
          key: "marts/orders",
          state: "failed",
          reason: "boom",
          lastMaterializedAt: undefined,
          lastFailedAt: 1,
          checks: [],
        },
      }),
      node("nowhere", { kind: "placeholder", location: undefined }),
    ],
    edges: [],
    cycles: [],
    unmatched: [],
    error: undefined,
  };

  it("makes every defined asset findable by key, table name, group, owner and kind, with health and file", () => {
    const rows = assetPickRows(graph, (uri) => uri.replace("file:///ws/", ""));
    assert.deepEqual(
      rows.map((row) => [row.label, row.description, row.detail]),
      [
        ["raw_orders", "source", "src/raw_orders.ts:3"],
        ["marts/orders", "✗ failed · marts__orders · group marts", "team:analytics · sqlite · src/marts/orders.ts:3"],
      ],
    );
  });
});

describe("client: Go to Asset from a name written somewhere", () => {
  const node = lineageNode;
  const graph = (...nodes: LineageNode[]) => lineageGraph(nodes);
  const example = graph(
    node("raw_orders", { kind: "source" }),
    node("marts/orders"),
    node("stg_orders"),
    node("nowhere", { kind: "placeholder", location: undefined }),
  );

  it("finds an asset by its key or by the table it produces, as SQL spells it", () => {
    for (const [written, key] of [
      ["marts/orders", "marts/orders"],
      ["marts__orders", "marts/orders"],
      ["MARTS__Orders", "marts/orders"],
      ['"marts__orders"', "marts/orders"],
      ["main.stg_orders", "stg_orders"],
      ["  raw_orders ", "raw_orders"],
    ])
      assert.equal(assetNamed(example, written!)?.key, key, written);
  });

  it("finds nothing for a word no asset is named by, a placeholder, or a name two assets answer to", () => {
    for (const written of ["", "ctx", "orders", "nowhere", "marts"])
      assert.equal(assetNamed(example, written), undefined);
    // SQL does not tell these two tables apart, so neither is the one meant.
    assert.equal(assetNamed(graph(node("a/b"), node("A/B")), "a__b"), undefined);
  });

  it("takes a key or a table under the cursor as one name, and stops at a dot", () => {
    const words = (line: string): string[] => line.match(new RegExp(NAME_PATTERN.source, "g")) ?? [];
    assert.deepEqual(words("select o.amount from main.marts__orders o join marts/orders"), [
      "select",
      "o",
      "amount",
      "from",
      "main",
      "marts__orders",
      "o",
      "join",
      "marts/orders",
    ]);
  });
});

describe("client: Materialize Asset… from the palette", () => {
  const at = (file: string, line: number) => ({
    uri: `file:///ws/${file}`,
    range: { start: { line, character: 0 }, end: { line, character: 5 } },
  });
  const node = (key: string, file: string, line: number): LineageNode => lineageNode(key, { location: at(file, line) });
  const graph: LineageGraph = {
    version: 1,
    nodes: [node("first", "src/two.ts", 2), node("second", "src/two.ts", 10), node("elsewhere", "src/other.ts", 0)],
    edges: [],
    cycles: [],
    unmatched: [],
    error: undefined,
  };

  it("preselects the asset whose definition holds the cursor", () => {
    assert.equal(assetAtCursor(graph, "file:///ws/src/two.ts", 5), "first");
    assert.equal(assetAtCursor(graph, "file:///ws/src/two.ts", 12), "second");
    assert.equal(assetAtCursor(graph, "file:///ws/src/two.ts", 1), undefined);
    assert.equal(assetAtCursor(graph, "file:///ws/src/none.ts", 5), undefined);
  });

  it("takes selection syntax as a selection, a plain word as a search", () => {
    for (const text of ["group:marts", "+orders", "orders+", "*", "a, b", "owner:team:x"])
      assert.equal(looksLikeSelection(text), true, text);
    for (const text of ["orders", "marts/orders", " stg_ "]) assert.equal(looksLikeSelection(text), false, text);
  });
});

describe("client: a run as a document", () => {
  it("shows the run, then each event, a failure with the user's line and its stack", () => {
    const text = formatRun({
      run: {
        runId: "r-1",
        status: "FAILURE",
        selection: "+orders",
        launchedBy: "cli",
        pid: 42,
        hostname: "box",
        startedAt: 0,
        finishedAt: 1500,
        message: "1 step failed",
        stepsDone: 1,
        stepsFailed: 1,
      },
      events: [
        { runId: "r-1", id: 1, ts: 0, type: "STEP_STARTED", assetKey: "orders" },
        { runId: "r-1", id: 2, ts: 1000, type: "LOG", assetKey: "orders", level: "warn", message: "slow feed" },
        {
          runId: "r-1",
          id: 3,
          ts: 1500,
          type: "STEP_FAILURE",
          assetKey: "orders",
          message: "boom",
          stack: "Error: boom\n    at /ws/src/orders.ts:12:5",
          location: { file: "src/orders.ts", line: 11, character: 4 },
        },
      ],
    });
    assert.equal(
      text,
      [
        "Run r-1: failure (1.5 s)",
        "Selection: +orders",
        "Started 1970-01-01 00:00:00Z from the CLI (pid 42 on box)",
        "Why: 1 step failed",
        "",
        "1970-01-01 00:00:00Z STEP_STARTED orders",
        "1970-01-01 00:00:01Z WARN  orders: slow feed",
        "1970-01-01 00:00:01Z STEP_FAILURE orders: boom",
        "    at src/orders.ts:12:5",
        "    at /ws/src/orders.ts:12:5",
        "",
      ].join("\n"),
    );
  });
});
