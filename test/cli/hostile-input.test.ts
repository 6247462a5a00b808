import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "../unit/support/analysis";
import { assertNestedOutcome, type NestedFile, writeNestedSources } from "../support/nestedSources";
import { assetline, CLI, type CliResult } from "./support";

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly file: string;
  readonly message: string;
}

describe("cli: hostile input", function () {
  this.timeout(120_000);
  let root: string;
  let nested: NestedFile[];

  before(() => {
    root = mkdtempSync(join(tmpdir(), "assetline-nested-"));
    cpSync(join(FIXTURES, "al002-missing-upstream"), root, { recursive: true });
    nested = writeNestedSources(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("check analyses or reports (AL007) every file nested up to 100,000 levels, and the healthy files as before", () => {
    const result = assetline(["check", root, "--format", "json"]);
    assert.equal(result.status, 1, result.stderr); // the fixture's own AL002 errors, nothing more
    assert.equal(result.stderr, "");
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] };
    for (const file of nested) {
      assertNestedOutcome(
        file,
        diagnostics.filter((d) => d.file === file.file).map((d) => ({ ...d, warning: d.severity === "warning" })),
      );
    }
    const healthy = diagnostics.filter((d) => !d.file.startsWith("src/nested/")).map((d) => `${d.file} ${d.code}`);
    assert.deepEqual(healthy, ["src/badref.ts AL002", "src/missing.ts AL002", "src/missing.ts AL002"]);
  });

  it("graph lists the assets of every nested file it could analyse", () => {
    const result = assetline(["graph", root, "--format", "json"]);
    assert.equal(result.status, 0, result.stderr);
    const keys = new Set(
      (JSON.parse(result.stdout) as { assets: Array<{ key: string }> }).assets.map((asset) => asset.key),
    );
    for (const file of nested)
      if (file.depth <= 100 || file.shape === "concatenation") assert.ok(keys.has(file.key), file.key);
    assert.ok(keys.has("raw_orders") && keys.has("stg_orders"));
  });
});

describe("cli: unreadable files and folders", function () {
  this.timeout(60_000);
  let root: string;

  before(function () {
    const reason = whyNobodyCannotRun();
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    root = mkdtempSync(join(tmpdir(), "assetline-unreadable-"));
    cpSync(join(FIXTURES, "al002-missing-upstream"), root, { recursive: true });
    mkdirSync(join(root, "src/private"));
    writeFileSync(
      join(root, "src/private/hidden.ts"),
      'import { source } from "assetline";\nexport const raw_ordres = source({});\n',
    );
    writeFileSync(
      join(root, "src/locked.ts"),
      'import { source } from "assetline";\nexport const locked = source({});\n',
    );
    writeFileSync(join(root, "src/.gitignore"), "generated/\n");
    // Everything readable by nobody, except what the test is about.
    openUp(root);
    chmodSync(join(root, "src/private"), 0o700);
    chmodSync(join(root, "src/locked.ts"), 0o600);
    chmodSync(join(root, "src/.gitignore"), 0o600);
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("reports an unreadable file as AL007 on it, and unreadable folders and .gitignore files on stderr", () => {
    const result = asNobody(["check", root]);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /^src\/locked\.ts:1:1 warning AL007 src\/locked\.ts cannot be read \(permission denied\), so assets in it are not analysed\. Give your user read permission on it \(chmod a\+r src\/locked\.ts\), or add it to \.gitignore\.$/m,
    );
    // The healthy files are analysed as before; the asset hidden in src/private is missing, as it is.
    assert.match(
      result.stdout,
      /^src\/missing\.ts:4:43 error AL002 Missing upstream for stg_orders: no asset or source has the key "raw_ordres"/m,
    );
    assert.deepEqual(result.stderr.trimEnd().split("\n"), [
      "assetline: cannot read src/.gitignore (permission denied), so its rules are not applied and files it ignores may be analysed; give your user read permission on it (chmod a+r src/.gitignore)",
      "assetline: skipped src/private/: cannot read the folder (permission denied), so assets in it are not analysed; give your user read and execute permission on it (chmod a+rx src/private) or add it to .gitignore",
    ]);
  });

  it("keeps --format json on stdout clean, the folder on stderr", () => {
    const result = asNobody(["check", root, "--format", "json"]);
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] };
    assert.deepEqual(
      diagnostics.filter((d) => d.code === "AL007").map((d) => d.file),
      ["src/locked.ts"],
    );
    assert.match(result.stderr, /^assetline: skipped src\/private\/: cannot read the folder \(permission denied\)/m);
  });

  it("says the workspace folder itself cannot be read, with exit 2", () => {
    chmodSync(root, 0o700);
    try {
      const result = asNobody(["check", root]);
      assert.equal(result.status, 2, result.stdout + result.stderr);
      assert.equal(
        result.stderr,
        `assetline: cannot read ${root} (permission denied); give your user read and execute permission on it, or pass another folder\n`,
      );
    } finally {
      chmodSync(root, 0o755);
    }
  });
});

/** Runs the CLI as the unprivileged user `nobody` (the tests run as root, who can read anything). */
function asNobody(args: readonly string[]): CliResult {
  const result = spawnSync(
    "setpriv",
    ["--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, CLI, ...args],
    {
      encoding: "utf8",
      cwd: tmpdir(),
      timeout: 60_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Why permission tests cannot run here, or undefined when they can. */
function whyNobodyCannotRun(): string | undefined {
  if (process.getuid?.() !== 0)
    return "permission cases need root, to drop to nobody (as root, every file is readable)";
  const probe = spawnSync(
    "setpriv",
    ["--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, CLI, "--help"],
    { encoding: "utf8" },
  );
  if (probe.error) return `setpriv is not available (${probe.error.message})`;
  if (probe.status !== 0)
    return `the CLI cannot run as nobody here (${(probe.stderr || probe.stdout).split("\n", 1)[0]})`;
  return undefined;
}

/** Makes the copy readable by everyone (mkdtemp creates it private to root). */
function openUp(path: string): void {
  spawnSync("chmod", ["-R", "a+rX", path]);
}
