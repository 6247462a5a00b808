/**
 * Failures as diagnostics: an asset whose last build failed gets an error on the line that
 * threw (the server maps the stack through the bundle's source maps to the user's TypeScript),
 * a failed check one on the check. They come from the run history, so runs of the CLI or of
 * another window show too; they go when the asset next succeeds (the status says so) or when
 * the file holding them is edited (the code that failed is not the code any more).
 */
import * as vscode from "vscode";
import type { LineageGraph } from "../../protocol/lineage";
import { LineageRequest } from "../../protocol/methods";
import type { Ctx } from "./ctx";
import { type FailureMark, failureMarks } from "./failureMarks";
import { RUN_SCHEME } from "./runDocument";

/** Distinct from the server's "assetline": these are facts of a run, not of the analysis. */
export const FAILURE_SOURCE = "assetline run";

export class FailureDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("assetline-runs");
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** Marks the user made stale by editing their file; never shown again. */
  private readonly dismissed = new Set<string>();
  private marks: readonly FailureMark[] = [];
  private refreshing: Promise<void> | undefined;
  private again = false;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the diagnostics were replaced. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      this.changed,
      ctx.onDidChangeStatus(() => void this.refresh()),
      ctx.onDidChangeState((state) => (state.kind === "running" ? void this.refresh() : this.clear())),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.dismissIn(event.document.uri);
      }),
    );
    if (ctx.state.kind === "running") void this.refresh();
  }

  /** Where the last failure of `key` is marked, if it is. */
  markOf(key: string): FailureMark | undefined {
    return this.marks.find((mark) => mark.key === key && !this.dismissed.has(mark.id));
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** Re-reads the graph's status; one read at a time, the last change always read. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.read().finally(() => {
      this.refreshing = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const state = this.ctx.state;
    if (state.kind !== "running") return;
    let graph: LineageGraph;
    try {
      graph = await state.client.sendRequest(LineageRequest.type, {});
    } catch (error) {
      this.ctx.log.warn(`failures not shown: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.marks = failureMarks(graph, this.ctx.workspaceRoot);
    this.show();
  }

  private show(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const mark of this.marks) {
      if (this.dismissed.has(mark.id)) continue;
      // The line's end is not known without opening the file; VS Code clips the range to the line.
      const range = new vscode.Range(mark.line, mark.character, mark.line, Number.MAX_SAFE_INTEGER);
      const diagnostic = new vscode.Diagnostic(
        range,
        mark.message,
        mark.blocking ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = FAILURE_SOURCE;
      if (mark.runId)
        diagnostic.code = {
          value: `run ${mark.runId}`,
          target: vscode.Uri.from({ scheme: RUN_SCHEME, path: `${mark.runId}.log` }),
        };
      const list = byFile.get(mark.uri) ?? [];
      list.push(diagnostic);
      byFile.set(mark.uri, list);
    }
    this.collection.clear();
    for (const [uri, diagnostics] of byFile) this.collection.set(vscode.Uri.parse(uri), diagnostics);
    this.changed.fire();
  }

  private dismissIn(uri: vscode.Uri): void {
    const text = uri.toString();
    const stale = this.marks.filter(
      (mark) => !this.dismissed.has(mark.id) && (mark.uri === text || mark.definitionUri === text),
    );
    if (stale.length === 0) return;
    for (const mark of stale) this.dismissed.add(mark.id);
    this.show();
  }

  private clear(): void {
    this.marks = [];
    this.collection.clear();
    this.changed.fire();
  }
}
