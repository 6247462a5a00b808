/**
 * One status bar item that tells the truth: starting, analysing (with the server's progress),
 * the number of Assetline problems, or stopped (click to restart). Restricted mode is said too.
 * Runs show too, whichever process runs them: the one in progress (steps done, click to show
 * it), else the last one's outcome until the next starts.
 * It appears once the workspace is seen to use Assetline (the server was asked to start), so a
 * JavaScript project that merely activated the extension shows nothing.
 */
import * as vscode from "vscode";
import { RecentRunsRequest } from "../../protocol/methods";
import type { RunSummary } from "../../protocol/runs";
import type { Ctx } from "./ctx";
import { runStatusText } from "./runStatusText";

/** The `source` of every Assetline diagnostic (the server sets it). */
const DIAGNOSTIC_SOURCE = "assetline";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("assetline.status", vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [];
  private shown = false;
  private lastRun: RunSummary | undefined;
  private reading = false;
  private readAgain = false;
  private readonly updated = new vscode.EventEmitter<void>();
  /** Fires after every change of the item, for tests. */
  readonly onDidUpdate = this.updated.event;

  constructor(private readonly ctx: Ctx) {
    this.item.name = "Assetline";
    this.disposables.push(
      this.item,
      this.updated,
      ctx.onDidChangeState(() => {
        this.update();
        void this.readRuns();
      }),
      ctx.onDidChangeProgress(() => this.update()),
      // Another process's runs arrive as status changes; this window's also as events, sooner.
      ctx.onDidChangeStatus(() => void this.readRuns()),
      ctx.runs.onDidEvent((event) => {
        if (!("type" in event) || event.type.startsWith("STEP_") || event.type.startsWith("RUN_")) void this.readRuns();
      }),
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** What the item says now, for tests (VS Code has no API to read another extension's item). */
  get text(): string {
    return this.item.text;
  }

  /** The newest run of the history; one read at a time, the last change always read. */
  private async readRuns(): Promise<void> {
    const state = this.ctx.state;
    if (state.kind !== "running") return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    try {
      const [newest] = await state.client.sendRequest(RecentRunsRequest.type, { limit: 1 });
      this.lastRun = newest;
      this.update();
    } catch (error) {
      this.ctx.log.debug(`status bar: runs not read: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.reading = false;
    }
    if (this.readAgain) {
      this.readAgain = false;
      void this.readRuns();
    }
  }

  private update(): void {
    const state = this.ctx.state;
    if (!this.shown && state.kind !== "stopped") {
      this.shown = true;
      this.item.show();
    }
    const restricted = this.ctx.trusted ? "" : " (restricted)";
    const tooltip = new vscode.MarkdownString(undefined, true);
    this.item.backgroundColor = undefined;
    switch (state.kind) {
      case "starting":
        this.item.text = `$(sync~spin) Assetline${restricted}`;
        tooltip.appendText("Starting the Assetline language server…");
        this.item.command = "assetline.showLogs";
        break;
      case "stopped":
        this.item.text = `$(debug-stop) Assetline: stopped`;
        this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
        tooltip.appendText(`The language server is not running: ${state.reason}. Click to restart it.`);
        this.item.command = "assetline.restartServer";
        break;
      case "running": {
        const progress = this.ctx.progress;
        if (progress) {
          const percent = progress.percentage === undefined ? "" : ` ${progress.percentage}%`;
          this.item.text = `$(sync~spin) Assetline: analysing${percent}${restricted}`;
          tooltip.appendText(`${progress.title}${progress.message ? `: ${progress.message}` : ""}`);
        } else {
          const { errors, others } = countProblems();
          const total = errors + others;
          this.item.text =
            total === 0
              ? `$(check) Assetline${restricted}`
              : `$(${errors > 0 ? "error" : "warning"}) Assetline: ${total} problem${total === 1 ? "" : "s"}${restricted}`;
          tooltip.appendText(
            total === 0
              ? "No problems in the asset definitions."
              : `${errors} error(s), ${others} warning(s) or note(s) in the asset definitions. Click to open the Problems panel.`,
          );
        }
        this.item.command = progress ? "assetline.showLogs" : "workbench.actions.view.problems";
        const runs = runStatusText(
          this.lastRun,
          this.lastRun && this.ctx.runs.plannedSteps(this.lastRun.runId),
          Date.now(),
        );
        if (runs.running) this.item.text = `${runs.running}${restricted}`;
        else this.item.text += runs.suffix;
        if (runs.tooltip) tooltip.appendMarkdown("\n\n").appendText(runs.tooltip);
        if (runs.showRun)
          this.item.command = { title: "Show Run", command: "assetline.showRun", arguments: [{ runId: runs.showRun }] };
        break;
      }
    }
    const launch = this.ctx.launch;
    if (launch)
      tooltip
        .appendMarkdown("\n\n")
        .appendText(`Engine: ${launch.engine.serverScript} (${launch.engine.reason}); Node.js ${launch.nodeVersion}.`);
    if (!this.ctx.trusted)
      tooltip
        .appendMarkdown("\n\n")
        .appendText("Restricted mode: the workspace is not trusted, so materializing and running checks are off.");
    this.item.tooltip = tooltip;
    this.updated.fire();
  }
}

function countProblems(): { errors: number; others: number } {
  let errors = 0;
  let others = 0;
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      if (diagnostic.severity === vscode.DiagnosticSeverity.Error) errors++;
      else others++;
    }
  }
  return { errors, others };
}
