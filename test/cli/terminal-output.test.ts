import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assetline, type CliResult } from "./support";

/**
 * A workspace whose names, descriptions, errors and logs carry what a terminal or a Markdown
 * renderer would obey: CSI (clear screen), OSC (set title), a C1 CSI, a carriage return, a
 * right-to-left override, and HTML. Written as escapes in the source, as a user's code would.
 * Check names and keys with such characters are AL009 errors, so their escaping is tested apart.
 */
const ASSETS = String.raw`import { asset, check } from "assetline";

export const html = asset(
  { name: "<img/src=x/onerror=alert(1)>", group: "g\u001b[2J\u202eevil", description: "d\u001b]0;title\u0007" },
  async (ctx) => {
    console.log("log \u001b[2J\u001b]0;pwned\u0007 \u009b31m \r overwritten \u202e done");
    ctx.db.exec("drop table if exists plain; create table plain as select 1 as n");
  },
);

export const loud = check(html, { name: "checked" }, async () => {
  return { passed: false, description: "failed \u001b]0;pwned\u0007 here" };
});

export const boom = asset({ group: "staging" }, async () => {
  throw new Error("boom \u001b[2J \u202e gnp.exe");
});
`;

/** Controls a terminal acts on (tab and newline excepted) and bidi formatting characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertPrintable(what: string, result: CliResult): void {
  for (const [stream, text] of [
    ["stdout", result.stdout],
    ["stderr", result.stderr],
  ] as const) {
    const found = UNSAFE.exec(text);
    assert.equal(
      found,
      null,
      `${what} ${stream} has a raw U+${found?.[0].charCodeAt(0).toString(16).padStart(4, "0")}:\n${text}`,
    );
  }
}

describe("cli: names, errors and logs from the workspace cannot drive the terminal", function () {
  let dir: string;
  let runId: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-escapes-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
    const run = assetline(["materialize", "*", "--dir", dir]);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assertPrintable("materialize", run);
    assert.match(run.stdout, /boom \\x1b\[2J \\u202e gnp\.exe/, "the error is shown, escaped");
    runId = /Run (\S+):/.exec(run.stdout)![1]!;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("check, status, runs and logs print escapes instead of controls", () => {
    for (const args of [
      ["check", dir],
      ["status", "--dir", dir],
      ["runs", "--dir", dir],
    ])
      assertPrintable(args[0]!, assetline(args));
    const logs = assetline(["logs", runId, "--dir", dir]);
    assert.equal(logs.status, 0, logs.stderr);
    assertPrintable("logs", logs);
    assert.match(logs.stdout, /log \\x1b\[2J\\x1b\]0;pwned\\x07 \\x9b31m \\r overwritten \\u202e done/);
  });

  it("graph text, DOT and Mermaid escape for the terminal and for their renderers", () => {
    const text = assetline(["graph", dir, "--format", "text"]);
    assertPrintable("graph text", text);
    assert.match(text.stdout, /<img\/src=x\/onerror=alert\(1\)> \(asset\) \[g\\x1b\[2J\\u202eevil\]/);

    const dot = assetline(["graph", dir, "--format", "dot"]);
    assertPrintable("graph dot", dot);
    assert.match(dot.stdout, /label="<img\/src=x\/onerror=alert\(1\)>\\ng\\\\x1b\[2J\\\\u202eevil"/);

    const mermaid = assetline(["graph", dir, "--format", "mermaid"]);
    assertPrintable("graph mermaid", mermaid);
    assert.doesNotMatch(mermaid.stdout, /<img/);
    assert.match(mermaid.stdout, /\["#lt;img\/src=x\/onerror=alert\(1\)#gt;<br\/>g\\x1b\[2J\\u202eevil"\]/);
  });

  it("check prints an AL009 name escaped, never raw", () => {
    const bad = mkdtempSync(join(tmpdir(), "assetline-escapes-al009-"));
    try {
      mkdirSync(join(bad, "src"));
      writeFileSync(
        join(bad, "src", "assets.ts"),
        String.raw`import { asset, check } from "assetline";
export const a = asset({}, async () => {});
export const loud = check(a, { name: "checked\u001b[31m\u202e" }, async () => ({ passed: true }));
`,
      );
      const result = assetline(["check", bad]);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assertPrintable("check AL009", result);
      assert.match(result.stdout, /AL009 The check name "checked\\u001b\[31m\\u202e" is not valid/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it("JSON is unchanged: the values arrive as the workspace wrote them", () => {
    const graph = assetline(["graph", dir, "--format", "json"]);
    const html = (
      JSON.parse(graph.stdout) as { assets: Array<{ key: string; group: string; description: string }> }
    ).assets.find((asset) => asset.key.startsWith("<img"))!;
    assert.equal(html.group, "g\u001b[2J\u202eevil");
    assert.equal(html.description, "d\u001b]0;title\u0007");
    const logs = JSON.parse(assetline(["logs", runId, "--dir", dir, "--format", "json"]).stdout) as {
      events: Array<{ message?: string }>;
    };
    assert.ok(logs.events.some((event) => event.message?.includes("\u001b[2J\u001b]0;pwned\u0007")));
  });
});
