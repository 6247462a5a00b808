import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Runs git in `root` as a user would, with a committer and no system or user config; returns its output. */
export function gitIn(root: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd: root, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: root } },
  );
}

/** Makes `root` a git repository with everything in it committed, as a user's workspace would be. */
export function commitAll(root: string): void {
  gitIn(root, "init", "-q", "-b", "main");
  gitIn(root, "add", "-A");
  gitIn(root, "commit", "-q", "-m", "base");
}

/** A real git repository in a temporary folder, driven with the real git (no mocks). */
export class GitRepo {
  readonly root: string;

  constructor() {
    this.root = realpathSync(mkdtempSync(join(tmpdir(), "assetline-git-")));
    this.git("init", "-q", "-b", "main");
  }

  /** Runs git in the repository and returns its output. */
  git(...args: string[]): string {
    return gitIn(this.root, ...args);
  }

  write(file: string, text: string): this {
    mkdirSync(dirname(join(this.root, file)), { recursive: true });
    writeFileSync(join(this.root, file), text);
    return this;
  }

  remove(file: string): this {
    rmSync(join(this.root, file));
    return this;
  }

  move(from: string, to: string): this {
    mkdirSync(dirname(join(this.root, to)), { recursive: true });
    renameSync(join(this.root, from), join(this.root, to));
    return this;
  }

  /** Stages everything and commits; returns the new commit's sha. */
  commit(message = "change"): string {
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD").trim();
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
