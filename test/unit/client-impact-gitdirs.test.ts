import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findGitDirs } from "../../client/src/impact/gitDirs";

function git(cwd: string, ...args: string[]): void {
  execFileSync(
    "git",
    ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args],
    { cwd, stdio: "ignore" },
  );
}

describe("client: where HEAD and the refs of a workspace's repository are", () => {
  let scratch: string;
  let repo: string;

  before(() => {
    scratch = realpathSync(mkdtempSync(join(tmpdir(), "assetline-gitdirs-")));
    repo = join(scratch, "repo");
    mkdirSync(join(repo, "pipelines", "src"), { recursive: true });
    writeFileSync(join(repo, "pipelines", "src", "a.ts"), "export const a = 1;\n");
    git(scratch, "init", "repo");
    git(repo, "add", "-A");
    git(repo, "commit", "-m", "first");
    git(repo, "worktree", "add", "-b", "feature", join(scratch, "feature"));
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("finds .git from a workspace that is a subfolder of the repository", () => {
    const dirs = findGitDirs(join(repo, "pipelines", "src"));
    assert.deepEqual(dirs, { gitDir: join(repo, ".git"), commonDir: join(repo, ".git") });
  });

  it("follows a linked worktree's .git file to its own HEAD and the shared refs", () => {
    const dirs = findGitDirs(join(scratch, "feature", "pipelines"));
    assert.deepEqual(dirs, { gitDir: join(repo, ".git", "worktrees", "feature"), commonDir: join(repo, ".git") });
  });

  it("says undefined outside any repository, and for a .git that is not one", () => {
    const outside = join(scratch, "outside");
    mkdirSync(join(outside, ".git"), { recursive: true }); // an empty .git folder: no HEAD
    assert.equal(findGitDirs(outside), undefined);
    const bogus = join(scratch, "bogus");
    mkdirSync(bogus);
    writeFileSync(join(bogus, ".git"), "not a gitdir line\n");
    assert.equal(findGitDirs(bogus), undefined);
  });
});
