/**
 * Restricted mode gets no impact analysis: the engine would run git in the repository, and a
 * repository's own git config can make git run commands (core.fsmonitor on `git ls-files`).
 * A trap proves git never runs here: the workspace's repository names a core.fsmonitor that
 * would leave a file behind.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AssetlineApi } from "../../../client/src/extension";
import { activatedApi, until, workspaceRoot } from "./helpers";

describe("Impact of uncommitted changes in VS Code (untrusted workspace)", () => {
  let api: AssetlineApi;
  let trap: string;
  let sprung: string;

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    api = await activatedApi();
    const root = workspaceRoot();
    const run = (...args: string[]): void =>
      void execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com", ...args], { cwd: root });
    run("init", "--quiet");
    run("add", "--all");
    run("commit", "--quiet", "-m", "a repository someone sent");
    trap = join(root, ".git", "fsmonitor-trap.sh");
    sprung = join(root, ".git", "fsmonitor-ran");
    writeFileSync(trap, `#!/bin/sh\ntouch '${sprung}'\n`);
    chmodSync(trap, 0o755);
    run("config", "core.fsmonitor", trap);
  });

  it("refuses the command and says why, asking no report of the server", async () => {
    const report = await vscode.commands.executeCommand("assetline.showImpact");
    assert.equal(report, undefined);
    assert.notEqual(api.impactState().kind, "summary");
    assert.notEqual(api.impactState().kind, "loading");
  });

  it("keeps the view empty (its welcome content offers to trust) while shown, and git never runs", async () => {
    await vscode.commands.executeCommand("assetline.impact.focus");
    await until(
      [api.onDidChangeImpact as vscode.Event<unknown>],
      () => api.impactState().kind === "unavailable" || undefined,
      "the view's refusal",
    );
    assert.deepEqual(await api.impactView.getChildren(undefined), []);
    assert.equal(existsSync(sprung), false, "git ran the repository's core.fsmonitor in restricted mode");
  });
});
