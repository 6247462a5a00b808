/**
 * The Runs view: the newest runs of the history, whichever process ran them (state, duration,
 * who), each with its steps and their errors; open its log, re-run it, cancel a running one.
 * Re-read whenever the run history changes.
 */
import * as vscode from "vscode";
import { CancelRunRequest, RecentRunsRequest, RunDetailsRequest } from "../../../protocol/methods";
import type { RunEventParams, RunSummary } from "../../../protocol/runs";
import type { Ctx } from "../ctx";

type Item =
  { readonly kind: "run"; readonly run: RunSummary } | { readonly kind: "step"; readonly event: RunEventParams };

const RUNS_SHOWN = 30;

const RUN_ICONS: Readonly<Record<RunSummary["status"], [string, string | undefined]>> = {
  STARTED: ["sync~spin", undefined],
  SUCCESS: ["pass", "testing.iconPassed"],
  FAILURE: ["error", "testing.iconFailed"],
  CANCELED: ["circle-slash", "disabledForeground"],
};

export class RunHistoryView implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private runs: RunSummary[] = [];
  private readonly view: vscode.TreeView<Item>;
  private readonly disposables: vscode.Disposable[] = [];
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView("assetline.runs", { treeDataProvider: this });
    this.disposables.push(
      this.view,
      this.changed,
      ctx.onDidChangeStatus(() => void this.reload()),
      ctx.onDidChangeState(() => void this.reload()),
      ctx.runs.onDidEvent(() => void this.reload()),
      vscode.commands.registerCommand(
        "assetline.runs.showLog",
        (item?: Item) =>
          item?.kind === "run" && vscode.commands.executeCommand("assetline.showRun", { runId: item.run.runId }),
      ),
      vscode.commands.registerCommand("assetline.runs.rerun", (item?: Item) =>
        item?.kind === "run" ? this.rerun(item.run) : undefined,
      ),
      vscode.commands.registerCommand("assetline.runs.cancel", (item?: Item) =>
        item?.kind === "run" ? this.cancel(item.run) : undefined,
      ),
    );
    void this.reload();
  }

  /** The runs shown now, newest first, for tests. */
  get shown(): readonly RunSummary[] {
    return this.runs;
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === "step") return stepItem(item.event);
    const { run } = item;
    const tree = new vscode.TreeItem(run.selection, vscode.TreeItemCollapsibleState.Collapsed);
    const [icon, color] = RUN_ICONS[run.status];
    tree.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const took = run.finishedAt === undefined ? "running" : `${((run.finishedAt - run.startedAt) / 1000).toFixed(1)} s`;
    const by = run.user === undefined ? run.hostname : `${run.user} on ${run.hostname}`;
    tree.description = `${took} · ${run.launchedBy === "cli" ? "CLI" : "editor"} · ${by} · ${new Date(run.startedAt).toLocaleTimeString()}`;
    tree.tooltip = `Run ${run.runId}: ${run.status.toLowerCase()}, ${run.stepsDone} step(s) done, ${run.stepsFailed} failed\nFrom the ${run.launchedBy === "cli" ? "CLI" : "editor"}${run.user === undefined ? "" : ` by ${run.user}`}, pid ${run.pid} on ${run.hostname}${run.message ? `\n${run.message}` : ""}`;
    // "run.running" offers Cancel, "run.done" Re-run; both open the log.
    tree.contextValue = run.status === "STARTED" ? "run.running" : "run.done";
    tree.id = run.runId;
    return tree;
  }

  async getChildren(item?: Item): Promise<Item[]> {
    if (!item) return this.runs.map((run) => ({ kind: "run", run }));
    if (item.kind !== "run") return [];
    const state = this.ctx.state;
    if (state.kind !== "running") return [];
    const details = await state.client.sendRequest(RunDetailsRequest.type, { runId: item.run.runId });
    const ends = (details?.events ?? []).filter(
      (event) => event.type === "STEP_SUCCESS" || event.type === "STEP_FAILURE" || event.type === "STEP_SKIPPED",
    );
    return ends.map((event) => ({ kind: "step", event }));
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** Re-reads the newest runs; one read at a time, the last change always read. */
  reload(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const state = this.ctx.state;
    if (state.kind !== "running") return;
    try {
      this.runs = await state.client.sendRequest(RecentRunsRequest.type, { limit: RUNS_SHOWN });
      this.view.message =
        this.runs.length === 0 ? "No runs yet: materialize an asset, here or with `assetline materialize`." : undefined;
      this.changed.fire();
    } catch (error) {
      this.ctx.log.warn(
        `the Runs view could not read the history: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async rerun(run: RunSummary): Promise<void> {
    // Re-run through the same commands as the first time (progress, cancel, outcome toast).
    // The selection is recorded as written: "+key", "key", "checks of key", "check key:name".
    const checks = /^checks of (.+)$/.exec(run.selection);
    if (checks) return void (await vscode.commands.executeCommand("assetline.runChecks", { key: checks[1] }));
    const check = /^check (.+):([^:]+)$/.exec(run.selection);
    if (check)
      return void (await vscode.commands.executeCommand("assetline.runChecks", { key: check[1], check: check[2] }));
    const withUpstream = run.selection.startsWith("+") && !run.selection.includes(" ");
    const selection = withUpstream ? run.selection.slice(1) : run.selection;
    await vscode.commands.executeCommand(withUpstream ? "assetline.materializeWithUpstream" : "assetline.materialize", {
      key: selection,
    });
  }

  private async cancel(run: RunSummary): Promise<void> {
    const state = this.ctx.state;
    if (state.kind !== "running") return;
    const { cancelled } = await state.client.sendRequest(CancelRunRequest.type, { runId: run.runId });
    if (!cancelled) {
      const where =
        run.launchedBy === "cli"
          ? `the CLI (pid ${run.pid} on ${run.hostname}); stop it there`
          : "another window; cancel it there";
      void vscode.window.showInformationMessage(`Run ${run.runId} is not run by this window but by ${where}.`);
    }
  }
}

function stepItem(event: RunEventParams): vscode.TreeItem {
  const subject = event.checkName ? `${event.assetKey ?? ""} › ${event.checkName}` : (event.assetKey ?? "");
  const tree = new vscode.TreeItem(subject, vscode.TreeItemCollapsibleState.None);
  const failed = event.type === "STEP_FAILURE";
  tree.iconPath = new vscode.ThemeIcon(failed ? "error" : event.type === "STEP_SKIPPED" ? "debug-step-over" : "check");
  tree.description = failed
    ? (event.message ?? "failed")
    : event.type === "STEP_SKIPPED"
      ? `skipped: ${event.message ?? ""}`
      : "succeeded";
  if (failed && event.location) {
    tree.tooltip = `${event.message ?? ""}\nat ${event.location.file}:${event.location.line + 1}`;
    tree.command = {
      title: "Go to Failing Code",
      command: "assetline.goToFailingCode",
      arguments: [{ runId: event.runId }],
    };
  }
  return tree;
}
