import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { commitAll } from "../support/gitRepo";
import { assetline, CLI } from "./support";
import { IS_ROOT, openToEveryone } from "./unprivileged";

const RAW = `import { asset } from "assetline";
export const raw_orders = asset({}, async (ctx) => { ctx.db.exec("create table raw_orders (id int)"); });
`;
const ORDERS = `import { asset } from "assetline";
export const orders = asset({}, async (ctx) => { ctx.db.exec("create table orders as select id from raw_orders"); });
`;

/** The parts of a cached line's facts the tests change. */
interface PlantedFacts {
  diagnostics: unknown[];
  calls: Array<{ config: { description: string | null } }>;
}

interface CheckJson {
  readonly diagnostics: ReadonlyArray<{ readonly code: string; readonly file: string; readonly message: string }>;
}

describe("cli: the facts cache", () => {
  let dir: string;
  let cacheHome: string;
  /** Outside CI unless a test says otherwise, whatever runs the suite. */
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-facts-"));
    cacheHome = mkdtempSync(join(tmpdir(), "assetline-facts-home-"));
    env = { XDG_CACHE_HOME: cacheHome, CI: "", ASSETLINE_FACTS_CACHE: "" };
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "raw.ts"), RAW);
    writeFileSync(join(dir, "src", "orders.ts"), ORDERS);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheHome, { recursive: true, force: true });
  });

  const factsFolder = (): string => join(cacheHome, "assetline", "facts");
  const cacheFiles = (): string[] => (existsSync(factsFolder()) ? readdirSync(factsFolder()) : []);

  function check(extra: NodeJS.ProcessEnv = {}): CheckJson {
    const result = assetline(["check", dir, "--format", "json"], undefined, { ...env, ...extra });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stderr, "");
    return JSON.parse(result.stdout) as CheckJson;
  }

  /** Changes the cached facts of src/orders.ts, keeping the line's key (its text's hash). */
  function plant(change: (facts: PlantedFacts) => void): void {
    const path = join(factsFolder(), cacheFiles()[0]!);
    const lines = readFileSync(path, "utf8").split("\n");
    const at = lines.findIndex((line) => line.includes(`"src/orders.ts"\t`));
    assert.ok(at > 0, "orders.ts has a line of its own");
    const tab = lines[at]!.indexOf("\t");
    const facts = JSON.parse(lines[at]!.slice(tab + 1)) as PlantedFacts;
    change(facts);
    lines[at] = `${lines[at]!.slice(0, tab + 1)}${JSON.stringify(facts)}`;
    writeFileSync(path, lines.join("\n"));
  }

  function plantDiagnostic(message: string): void {
    plant((facts) =>
      facts.diagnostics.push({
        code: "AL007",
        severity: "info",
        location: [0, 0, 0, 6],
        message,
        related: [],
        data: null,
      }),
    );
  }

  it("is written by a first check, outside the workspace, and gives a second check the same answer", () => {
    const first = check();
    assert.deepEqual(
      first.diagnostics.map((d) => d.code),
      ["AL003"],
    );
    assert.equal(cacheFiles().length, 1);
    assert.equal(existsSync(join(dir, ".assetline", "cache", "facts.jsonl")), false);
    assert.deepEqual(check(), first);
  });

  it("is what a later check reads for unchanged files, unless turned off, and never for an edited one", () => {
    check();
    plantDiagnostic("planted in the cache");
    const planted = (result: CheckJson): boolean =>
      result.diagnostics.some((d) => d.message === "planted in the cache");
    assert.equal(planted(check()), true, "the unchanged file's facts came from the cache");
    assert.equal(planted(check({ ASSETLINE_FACTS_CACHE: "0" })), false);
    writeFileSync(join(dir, "src", "orders.ts"), `${ORDERS}// edited\n`);
    assert.equal(planted(check()), false, "an edited file is scanned");
  });

  it("is read by `assetline impact` for the working tree's files", () => {
    commitAll(dir);
    writeFileSync(join(dir, "src", "orders.ts"), `${ORDERS}// edited, which alone changes nothing\n`);
    check();
    plant((facts) => (facts.calls[0]!.config.description = "planted in the cache"));
    const impact = (extra: NodeJS.ProcessEnv): string => {
      const result = assetline(["impact", dir, "--format", "json"], undefined, { ...env, ...extra });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    };
    // The planted description is what impact finds changed against HEAD: the working side read the cache.
    assert.match(impact({}), /metadata changed \(description\)/);
    assert.doesNotMatch(impact({ ASSETLINE_FACTS_CACHE: "0" }), /metadata changed/);
  });

  it("is not written in CI unless asked for", () => {
    check({ CI: "true" });
    assert.deepEqual(cacheFiles(), []);
    check({ CI: "true", ASSETLINE_FACTS_CACHE: "1" });
    assert.equal(cacheFiles().length, 1);
  });

  it("runs as without it for a user with no home folder (no HOME, no passwd entry)", function () {
    if (!IS_ROOT) this.skip(); // only root can become a user that does not exist
    openToEveryone(dir);
    for (const path of [dir, join(dir, "src")]) chmodSync(path, 0o755);
    const { HOME: _home, XDG_CACHE_HOME: _cache, ...withoutHome } = process.env;
    const result = spawnSync(
      "setpriv",
      ["--reuid=54321", "--regid=54321", "--clear-groups", process.execPath, CLI, "check", dir, "--format", "json"],
      { encoding: "utf8", env: { ...withoutHome, CI: "" } },
    );
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    assert.deepEqual(JSON.parse(result.stdout), check());
  });

  it("answers the same, and says nothing, when the cache folder cannot be written", () => {
    const blocked = join(cacheHome, "not-a-folder");
    writeFileSync(blocked, "");
    const result = assetline(["check", dir, "--format", "json"], undefined, { ...env, XDG_CACHE_HOME: blocked });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.deepEqual(JSON.parse(result.stdout), check());
  });
});
