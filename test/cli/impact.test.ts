import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImpactReport } from "../../protocol/impact";
import { GitRepo } from "../support/gitRepo";
import { GitTraps } from "../support/gitTraps";
import { assetline, type CliResult } from "./support";

const W = "pipelines";

const FILES: Record<string, string> = {
  "src/sources.ts": `import { source } from "assetline";
export const raw_orders = source({ description: "Orders export" });
export const raw_users = source({});
`,
  "src/staging/stg_orders.ts": `import { asset, check } from "assetline";
import { raw_orders } from "../sources";

export const stg_orders = asset({ deps: [raw_orders], owners: ["team:analytics"], group: "staging" }, async (ctx) => {
  ctx.db.exec(\`create table stg_orders as
    select id as order_id, user_id, status, amount from raw_orders\`);
});

export const order_id_unique = check(stg_orders, { name: "order_id_unique" }, async (ctx) => {
  return { passed: ctx.db.prepare("select order_id from stg_orders group by 1 having count(*) > 1").all().length === 0 };
});
`,
  "src/marts/by_status.ts": `import { asset } from "assetline";
import { stg_orders } from "../staging/stg_orders";

export const by_status = asset({ deps: [stg_orders], owners: ["team:finance"] }, async (ctx) => {
  ctx.db.exec("create table by_status as select o.status, count(*) as n from stg_orders o group by o.status");
});
`,
  "src/marts/revenue.ts": `import { asset } from "assetline";

export const revenue = asset({ deps: ["stg_orders"], owners: ["ana@example.com"] }, async (ctx) => {
  ctx.db.exec("create table revenue as select sum(amount) as total from stg_orders where status = 'paid'");
});

export const revenue_report = asset({ deps: ["revenue"], owners: ["team:exec"] }, async (ctx) => {
  ctx.db.exec("create table revenue_report as select total from revenue");
});
`,
  "src/users.ts": `import { asset } from "assetline";
import { raw_users } from "./sources";

export const stg_users = asset({ deps: [raw_users] }, async (ctx) => {
  ctx.db.exec("create table stg_users as select id as user_id, name from raw_users");
});

export const user_names = asset({ deps: ["stg_users"], owners: ["li@example.com"] }, async (ctx) => {
  ctx.db.exec("create table user_names as select name from stg_users");
});
`,
  "src/lonely.ts": `import { asset } from "assetline";

export const lonely = asset({}, async (ctx) => {
  ctx.db.exec("create table lonely as select 1 as id");
});
`,
};

function impact(repo: GitRepo, ...args: string[]): CliResult {
  return assetline(["impact", W, ...args], repo.root);
}

function report(repo: GitRepo, ...args: string[]): ImpactReport {
  const result = impact(repo, "--format", "json", ...args);
  assert.equal(result.status, 0, result.stderr || result.stdout);
  return JSON.parse(result.stdout) as ImpactReport;
}

function edit(repo: GitRepo, file: string, change: (text: string) => string): void {
  const path = repo.path(W, file);
  const before = readFileSync(path, "utf8");
  const after = change(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing`);
  writeFileSync(path, after);
}

describe("cli: assetline impact", function () {
  this.timeout(120_000);
  let repo: GitRepo;
  let baseCommit: string;
  beforeEach(() => {
    repo = new GitRepo();
    repo.write(".gitignore", ".assetline/\nnode_modules/\n").write("README.md", "# data\n");
    for (const [file, text] of Object.entries(FILES)) repo.write(`${W}/${file}`, text);
    baseCommit = repo.commit("base");
  });
  afterEach(() => repo.dispose());

  it("reports nothing for formatting-only and comment-only edits and a moved file, in a workspace that is a repo subfolder", () => {
    edit(repo, "src/marts/by_status.ts", (text) =>
      text.replace("export const by_status = asset(", "// the status mart\nexport const by_status =\n  asset(  "),
    );
    edit(repo, "src/staging/stg_orders.ts", (text) =>
      text.replace("select id as order_id", "select /* typed later */ id   as   order_id"),
    );
    repo.move(`${W}/src/lonely.ts`, `${W}/src/misc/lonely.ts`);
    const result = report(repo);
    assert.deepEqual(result.base, { ref: "HEAD", commit: baseCommit });
    assert.deepEqual(result.changes, []);
    assert.deepEqual(result.impacted, []);
    assert.deepEqual(result.checks, []);
    assert.deepEqual(result.owners, []);
    assert.match(impact(repo).stdout, /^No asset changes against HEAD/);
  });

  it("classifies a body change that keeps the columns as non-breaking, and its downstream as data", () => {
    edit(repo, "src/marts/revenue.ts", (text) =>
      text.replace("where status = 'paid'", "where status in ('paid', 'shipped')"),
    );
    const result = report(repo);
    assert.equal(result.changes.length, 1);
    const [change] = result.changes;
    assert.equal(change!.key, "revenue");
    assert.equal(change!.change, "modified");
    assert.deepEqual(change!.reasons, ["code"]);
    assert.equal(change!.category, "non-breaking");
    assert.deepEqual(change!.columns, { added: [], removed: [] });
    assert.equal(change!.file, "src/marts/revenue.ts");
    assert.deepEqual(
      result.impacted.map((a) => [a.key, a.impact, a.distance]),
      [["revenue_report", "data", 1]],
    );
    assert.deepEqual(
      result.impacted[0]!.because.map((b) => b.key),
      ["revenue"],
    );
    assert.deepEqual(result.impacted[0]!.owners, ["team:exec"]);
    assert.deepEqual(result.owners, ["ana@example.com", "team:exec"]);
  });

  it("calls a removed column breaking and names the consumers reading it, qualified and unqualified", () => {
    edit(repo, "src/staging/stg_orders.ts", (text) => text.replace("user_id, status, amount", "user_id, amount"));
    const result = report(repo);
    const change = result.changes.find((c) => c.key === "stg_orders")!;
    assert.equal(change.category, "breaking");
    assert.deepEqual(change.columns, { added: [], removed: ["status"] });
    assert.match(change.why, /by_status uses column stg_orders\.status/);
    assert.match(change.why, /revenue uses column stg_orders\.status/);
    const byKey = new Map(result.impacted.map((a) => [a.key, a]));
    assert.equal(byKey.get("by_status")!.impact, "breaking");
    assert.equal(byKey.get("revenue")!.impact, "breaking");
    assert.equal(byKey.get("revenue")!.distance, 1);
    assert.equal(byKey.get("revenue_report")!.impact, "data");
    assert.equal(byKey.get("revenue_report")!.distance, 2);
    assert.deepEqual(byKey.get("by_status")!.checks, []);
    assert.deepEqual(result.owners, ["ana@example.com", "team:analytics", "team:exec", "team:finance"]);
    // The same change fails the build when asked to.
    assert.equal(impact(repo, "--fail-on", "breaking").status, 1);
    assert.equal(impact(repo, "--fail-on", "any").status, 1);
    assert.equal(impact(repo).status, 0);
  });

  it("calls an added column non-breaking and impacts no one", () => {
    edit(repo, "src/users.ts", (text) =>
      text.replace("select id as user_id, name from raw_users", "select id as user_id, name, email from raw_users"),
    );
    const result = report(repo);
    assert.deepEqual(
      result.changes.map((c) => [c.key, c.category]),
      [["stg_users", "non-breaking"]],
    );
    assert.deepEqual(result.changes[0]!.columns, { added: ["email"], removed: [] });
    assert.deepEqual(result.impacted, []);
    assert.equal(impact(repo, "--fail-on", "breaking").status, 0);
    assert.equal(impact(repo, "--fail-on", "any").status, 1);
  });

  it("reports a rename once, with previousKey, and calls it breaking when a string-key dep still names the old key", () => {
    edit(repo, "src/users.ts", (text) =>
      text
        .replace(/stg_users = asset\(\{ deps: \[raw_users\] \}/, "stg_people = asset({ deps: [raw_users] }")
        .replace("create table stg_users as", "create table stg_people as"),
    );
    const result = report(repo);
    const rename = result.changes.find((c) => c.change === "renamed")!;
    assert.equal(rename.key, "stg_people");
    assert.equal(rename.previousKey, "stg_users");
    assert.equal(rename.category, "breaking");
    assert.ok(!result.changes.some((c) => c.key === "stg_users"), "the old key is not also reported as removed");
    assert.deepEqual(
      result.impacted.map((a) => [a.key, a.impact]),
      [["user_names", "breaking"]],
    );
    assert.match(result.impacted[0]!.because[0]!.why, /key stg_users/);
  });

  it("calls a removed asset breaking while something depends on it, and not otherwise", () => {
    edit(repo, "src/marts/revenue.ts", (text) => text.slice(0, text.indexOf("export const revenue_report")));
    repo.remove(`${W}/src/lonely.ts`);
    edit(repo, "src/users.ts", (text) => text.slice(0, text.indexOf("export const user_names")));
    const byKey = new Map(report(repo).changes.map((c) => [c.key, c]));
    assert.equal(byKey.get("lonely")!.change, "removed");
    assert.equal(byKey.get("lonely")!.category, "non-breaking");
    assert.equal(byKey.get("lonely")!.file, "src/lonely.ts");
    assert.equal(byKey.get("revenue_report")!.category, "non-breaking");

    assert.deepEqual(report(repo).impacted, []);
  });

  it("breaks the consumers of a removed asset that is still depended on", () => {
    repo.remove(`${W}/src/staging/stg_orders.ts`);
    const result = report(repo);
    const removed = result.changes.find((c) => c.key === "stg_orders")!;
    assert.equal(removed.change, "removed");
    assert.equal(removed.category, "breaking");
    assert.deepEqual(
      result.impacted.filter((a) => a.impact === "breaking").map((a) => a.key),
      ["by_status", "revenue"],
    );
    assert.deepEqual(result.checks, [{ asset: "stg_orders", name: "order_id_unique", change: "removed" }]);
  });

  it("counts an asset in an untracked file as added, and ignores one in a .gitignored file", () => {
    repo.write(".gitignore", ".assetline/\nnode_modules/\nscratch/\n").commit("ignore scratch");
    repo.write(
      `${W}/src/new_mart.ts`,
      `import { asset } from "assetline";
export const new_mart = asset({ deps: ["stg_users"], owners: ["sam@example.com"] }, async (ctx) => {
  ctx.db.exec("create table new_mart as select user_id from stg_users");
});
`,
    );
    // Ignored by the repository's top-level .gitignore, above the workspace folder.
    repo.write(
      `${W}/scratch/tmp.ts`,
      `import { asset } from "assetline";\nexport const scratch = asset({}, async () => {});\n`,
    );
    const result = report(repo);
    assert.deepEqual(
      result.changes.map((c) => [c.key, c.change, c.category]),
      [["new_mart", "added", "non-breaking"]],
    );
    assert.equal(result.changes[0]!.file, "src/new_mart.ts");
    assert.deepEqual(result.impacted, []);
    assert.deepEqual(result.owners, ["sam@example.com"]);
  });

  it("calls an owners/description change metadata, and lists checks added and removed", () => {
    edit(repo, "src/users.ts", (text) =>
      text.replace(`owners: ["li@example.com"]`, `owners: ["li@example.com", "team:people"], description: "Names"`),
    );
    edit(repo, "src/staging/stg_orders.ts", (text) =>
      text.replace(`name: "order_id_unique"`, `name: "order_id_not_null"`),
    );
    const result = report(repo);
    const byKey = new Map(result.changes.map((c) => [c.key, c]));
    assert.equal(byKey.get("user_names")!.category, "metadata");
    assert.deepEqual(byKey.get("user_names")!.reasons, ["metadata"]);
    assert.match(byKey.get("user_names")!.why, /owners, description/);
    assert.equal(byKey.get("stg_orders")!.category, "metadata");
    assert.deepEqual(byKey.get("stg_orders")!.reasons, ["checks"]);
    assert.deepEqual(result.checks, [
      { asset: "stg_orders", name: "order_id_not_null", change: "added" },
      { asset: "stg_orders", name: "order_id_unique", change: "removed" },
    ]);
    assert.deepEqual(result.impacted, []);
    assert.deepEqual(result.owners, ["li@example.com", "team:analytics", "team:people"]);
  });

  it("compares a clean tree with --base HEAD~1, and restricts to --select", () => {
    edit(repo, "src/marts/revenue.ts", (text) =>
      text.replace("sum(amount) as total", "sum(amount) as total, count(*) as orders"),
    );
    edit(repo, "src/lonely.ts", (text) => text.replace("select 1 as id", "select 2 as id"));
    const second = repo.commit("second");
    assert.deepEqual(report(repo).changes, []);
    const result = report(repo, "--base", "HEAD~1");
    assert.deepEqual(result.base, { ref: "HEAD~1", commit: baseCommit });
    assert.deepEqual(
      result.changes.map((c) => c.key),
      ["lonely", "revenue"],
    );
    assert.notEqual(second, baseCommit);
    const selected = report(repo, "--base", "HEAD~1", "--select", "lonely");
    assert.deepEqual(
      selected.changes.map((c) => c.key),
      ["lonely"],
    );
  });

  it("writes markdown for a pull request: summary, table, impacted with owners, and an escaped Mermaid graph", () => {
    edit(repo, "src/staging/stg_orders.ts", (text) => text.replace("user_id, status, amount", "user_id, amount"));
    const result = impact(repo, "--format", "markdown");
    assert.equal(result.status, 0, result.stderr);
    const markdown = result.stdout;
    assert.match(markdown, /^### Assetline impact against `HEAD`/);
    assert.match(markdown, /\*\*1 change\*\* \(1 breaking\)/);
    assert.match(markdown, /\| `stg_orders` \| modified \| 🔴 breaking \| code \|/);
    assert.match(markdown, /\| `by_status` \| 🔴 will fail \| 1 \|.*\| team:finance \|/);
    assert.match(markdown, /```mermaid\nflowchart LR\n/);
    assert.match(markdown, /n0\["stg_orders<br\/>modified · breaking"\]:::breaking/);
    assert.match(markdown, /\*\*Owners to notify:\*\* ana@example.com, team:analytics, team:exec, team:finance/);
  });

  it("exits 2 with one line for each git problem and for bad usage", () => {
    const check = (result: CliResult, pattern: RegExp) => {
      assert.equal(result.status, 2, result.stdout + result.stderr);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr, pattern);
    };
    check(impact(repo, "--base", "no-such-branch"), /unknown git revision "no-such-branch"/);
    check(impact(repo, "--fail-on", "sometimes"), /--fail-on/);
    check(impact(repo, "--format", "yaml"), /unknown format/);
    check(assetline(["impact", W], repo.root, { PATH: join(repo.root, "no-bin") }), /git is not installed/);

    const plain = mkdtempSync(join(tmpdir(), "assetline-plain-"));
    try {
      mkdirSync(join(plain, "src"));
      writeFileSync(join(plain, "src", "a.ts"), FILES["src/lonely.ts"]!);
      check(assetline(["impact", plain], plain), /not inside a git repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }

    edit(repo, "src/lonely.ts", (text) => text.replace("select 1 as id", "select 2 as id"));
    repo.commit("second");
    const clone = mkdtempSync(join(tmpdir(), "assetline-shallow-"));
    try {
      execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.root}`, clone]);
      check(assetline(["impact", W, "--base", "HEAD~1"], clone), /shallow clone/);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it("never runs a program the repository's config names (core.fsmonitor, filter drivers)", () => {
    const traps = new GitTraps(repo.root);
    try {
      edit(repo, "src/staging/stg_orders.ts", (text) => text.replace("user_id, status, amount", "user_id, amount"));
      repo.write(`${W}/src/extra.ts`, FILES["src/lonely.ts"]!.replaceAll("lonely", "extra"));
      // The traps are live: plain git springs them (else this test could not fail).
      traps.springWithPlainGit();
      assert.ok(traps.fired().includes("fsmonitor") && traps.fired().includes("clean"), traps.fired().join(", "));
      traps.reset();

      const result = report(repo);
      assert.deepEqual(
        result.changes.map((change) => [change.key, change.change]),
        [
          ["extra", "added"],
          ["stg_orders", "modified"],
        ],
      );
      assert.deepEqual(traps.fired(), []);
    } finally {
      traps.dispose();
    }
  });
});
