import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskReader } from "../../server/src/analysis";
import { compareWithRevision, GitError, GitRevisionReader } from "../../server/src/analysis/git";
import { GitRepo } from "../support/gitRepo";

const ASSET = (name: string, body = "select 1 as id") => `import { asset } from "assetline";
export const ${name} = asset({}, async (ctx) => {
  ctx.db.exec(\`create table ${name} as ${body}\`);
});
`;

async function gitError(run: () => Promise<unknown>): Promise<GitError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GitError) return error;
    throw error;
  }
  assert.fail("expected a GitError");
}

describe("analysis: git revision reader", () => {
  let repo: GitRepo;
  beforeEach(() => {
    repo = new GitRepo();
  });
  afterEach(() => repo.dispose());

  it("reads a workspace in a subfolder as it was at a revision, without touching the working tree", async () => {
    repo.write("README.md", "# top\n").write("pipelines/src/a.ts", ASSET("a")).write("other/b.ts", ASSET("b"));
    const first = repo.commit("first");
    repo
      .write("pipelines/src/a.ts", ASSET("a", "select 2 as id"))
      .write("pipelines/src/c.ts", ASSET("c"))
      .commit("second");
    const reader = await GitRevisionReader.open(repo.path("pipelines"), "HEAD~1");
    try {
      assert.equal(reader.commit, first);
      assert.deepEqual(reader.listFiles(), ["src/a.ts"]);
      await reader.load();
      assert.equal(reader.readFile("src/a.ts"), ASSET("a"));
      assert.equal(reader.readFile("src/c.ts"), undefined);
    } finally {
      reader.close();
    }
  });

  it("reads many files through one process and leaves .gitignored files out of the revision", async () => {
    repo.write(".gitignore", "generated/\n*.gen.ts\n").write("sub/.gitignore", "local.ts\n");
    for (let i = 0; i < 60; i++) repo.write(`src/a${i}.ts`, ASSET(`a${i}`));
    repo
      .write("generated/x.ts", ASSET("x"))
      .write("src/y.gen.ts", ASSET("y"))
      .write("sub/local.ts", ASSET("l"))
      .write("sub/kept.ts", ASSET("k"));
    // Force the ignored files into the tree: the reader must still leave them out, as DiskReader does.
    repo.git("add", "-A");
    repo.git("add", "-f", "generated/x.ts", "src/y.gen.ts", "sub/local.ts");
    repo.commit();
    const reader = await GitRevisionReader.open(repo.root, "HEAD");
    try {
      const files = reader.listFiles();
      assert.equal(files.length, 61);
      assert.deepEqual(files, new DiskReader(repo.root).listFiles());
      await reader.load();
      for (const file of files) assert.equal(reader.readFile(file), new DiskReader(repo.root).readFile(file));
    } finally {
      reader.close();
    }
  });

  it("compares the working tree with a revision: untracked files count, ignored ones do not", async () => {
    repo.write(".gitignore", "scratch.ts\n").write("src/a.ts", ASSET("a")).write("src/gone.ts", ASSET("gone")).commit();
    repo
      .write("src/a.ts", ASSET("a", "select 3 as id"))
      .write("src/new.ts", ASSET("fresh"))
      .write("scratch.ts", ASSET("scratch"));
    repo.remove("src/gone.ts");
    const comparison = await compareWithRevision(new DiskReader(repo.root), "HEAD");
    assert.deepEqual(comparison.changedFiles, ["src/a.ts", "src/gone.ts", "src/new.ts"]);
    assert.deepEqual(
      comparison.base.assets.map((asset) => asset.key),
      ["a", "gone"],
    );
    assert.deepEqual(
      comparison.working.assets.map((asset) => asset.key),
      ["a", "fresh"],
    );
    const [baseA, workingA] = [comparison.base.assets[0]!, comparison.working.assets[0]!];
    assert.notEqual(baseA.codeVersion, workingA.codeVersion);
  });

  it("says which git problem stops it", async () => {
    const plain = mkdtempSync(join(tmpdir(), "assetline-nogit-"));
    try {
      const notRepo = await gitError(() => GitRevisionReader.open(plain, "HEAD"));
      assert.equal(notRepo.kind, "not-a-repository");
      assert.match(notRepo.message, /not inside a git repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }

    repo.write("src/a.ts", ASSET("a"));
    const noCommits = await gitError(() => GitRevisionReader.open(repo.root, "HEAD"));
    assert.equal(noCommits.kind, "no-commits");
    repo.commit("one");
    const unknown = await gitError(() => GitRevisionReader.open(repo.root, "no-such-branch"));
    assert.equal(unknown.kind, "unknown-revision");
    assert.match(unknown.message, /unknown git revision "no-such-branch"/);

    repo.write("src/a.ts", ASSET("a", "select 2 as id")).commit("two");
    const clone = mkdtempSync(join(tmpdir(), "assetline-shallow-"));
    try {
      execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.root}`, clone]);
      const shallow = await gitError(() => GitRevisionReader.open(clone, "HEAD~1"));
      assert.equal(shallow.kind, "shallow");
      assert.match(shallow.message, /shallow clone/);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }

    const path = process.env.PATH;
    process.env.PATH = join(repo.root, "no-bin");
    try {
      const missing = await gitError(() => GitRevisionReader.open(repo.root, "HEAD"));
      assert.equal(missing.kind, "git-missing");
    } finally {
      process.env.PATH = path;
    }
  });
});
