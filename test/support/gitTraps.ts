import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A repository armed the way a hostile clone would be: its own config names programs git runs
 * (`core.fsmonitor` on any command reading the index, a filter driver's clean/smudge/process on
 * hashing or checking out a file, the filter applied to every path by `.gitattributes`). Each
 * program only leaves a marker file; `fired()` lists the markers, so a test can assert none ran.
 */
export class GitTraps {
  private readonly scratch = mkdtempSync(join(tmpdir(), "assetline-git-traps-"));
  private readonly markers = join(this.scratch, "markers");

  /** Arms `repoRoot` (after its last commit: committing would spring the filter itself). */
  constructor(private readonly repoRoot: string) {
    mkdirSync(this.markers, { recursive: true });
    const program = (name: string, passThrough: boolean): string => {
      const path = join(this.scratch, `${name}.sh`);
      writeFileSync(path, `#!/bin/sh\ntouch '${join(this.markers, name)}'\n${passThrough ? "cat\n" : ""}`);
      chmodSync(path, 0o755);
      return path;
    };
    const config = (key: string, value: string) => execFileSync("git", ["config", key, value], { cwd: repoRoot });
    config("core.fsmonitor", program("fsmonitor", false));
    config("filter.trap.clean", program("clean", true));
    config("filter.trap.smudge", program("smudge", true));
    config("filter.trap.required", "true");
    // A long-running filter takes precedence over clean/smudge, so it gets a driver of its own.
    config("filter.trap-process.process", program("process", false));
    config("filter.trap-process.required", "true");
    writeFileSync(join(repoRoot, ".gitattributes"), "*.ts filter=trap\n*.md filter=trap-process\n");
  }

  /** The programs that ran, by name ("fsmonitor", "clean", …). */
  fired(): string[] {
    return existsSync(this.markers) ? readdirSync(this.markers).sort() : [];
  }

  /** Proves the traps are live: plain git with the repository's config springs them. */
  springWithPlainGit(): void {
    try {
      execFileSync("git", ["status", "--porcelain", "--", "*.ts"], { cwd: this.repoRoot, stdio: "ignore" });
    } catch {
      // A trap that is not a real filter may make git fail; what matters is that it ran.
    }
  }

  reset(): void {
    rmSync(this.markers, { recursive: true, force: true });
    mkdirSync(this.markers, { recursive: true });
  }

  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
