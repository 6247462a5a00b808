/**
 * The "Impact of Changes" tree in the Source Control view container, next to the changed files
 * a user reviews before committing: changed assets → impacted assets → owners, each opening
 * its code. It asks for a fresh report only while it is visible.
 */
import { join } from "node:path";
import * as vscode from "vscode";
import type { Ctx } from "../ctx";
import { type ImpactModel, type ImpactState } from "./impactModel";
import { type ImpactTreeItem, impactBase, impactSummary, impactTree } from "./tree";

/** package.json contributes this view to the `scm` container under the same id. */
export const IMPACT_VIEW_ID = "assetline.impact";
/**
 * The view's `when`: true from the first server start on, so a TypeScript project that does not
 * use Assetline never sees it, and a crashed server's view stays to say so.
 */
const VIEW_ENABLED_CONTEXT = "assetline.impact.enabled";

export class ImpactView implements vscode.TreeDataProvider<ImpactTreeItem>, vscode.Disposable {
  private roots: ImpactTreeItem[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly view: vscode.TreeView<ImpactTreeItem>;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private wanting: vscode.Disposable | undefined;

  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly ctx: Ctx,
    private readonly model: ImpactModel,
  ) {
    this.view = vscode.window.createTreeView(IMPACT_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      model.onDidChange((state) => this.show(state)),
      this.view.onDidChangeVisibility(({ visible }) => this.visibility(visible)),
      ctx.onDidChangeState((state) => {
        if (state.kind !== "stopped") void vscode.commands.executeCommand("setContext", VIEW_ENABLED_CONTEXT, true);
      }),
    );
    if (ctx.state.kind !== "stopped") void vscode.commands.executeCommand("setContext", VIEW_ENABLED_CONTEXT, true);
    this.show(model.state);
    this.visibility(this.view.visible);
  }

  getTreeItem(item: ImpactTreeItem): vscode.TreeItem {
    const state =
      item.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : item.kind === "change" || item.kind === "owners"
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const treeItem = new vscode.TreeItem(item.label, state);
    treeItem.id = item.id;
    treeItem.description = item.description;
    treeItem.tooltip = item.tooltip;
    treeItem.contextValue = `assetline.impact.${item.kind}`;
    treeItem.iconPath = new vscode.ThemeIcon(
      item.icon.id,
      item.icon.color ? new vscode.ThemeColor(item.icon.color) : undefined,
    );
    const root = this.ctx.workspaceRoot;
    if (item.open && root) {
      const uri = vscode.Uri.file(join(root, item.open.file));
      const line = Math.max(0, item.open.line - 1);
      const options: vscode.TextDocumentShowOptions = { selection: new vscode.Range(line, 0, line, 0), preview: true };
      treeItem.command = { title: "Open Definition", command: "vscode.open", arguments: [uri, options] };
    }
    return treeItem;
  }

  getChildren(item?: ImpactTreeItem): ImpactTreeItem[] {
    return item ? [...item.children] : this.roots;
  }

  /** Shows the view (opening the Source Control container) and waits for a fresh report. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${IMPACT_VIEW_ID}.focus`);
    await this.model.refresh();
  }

  dispose(): void {
    this.wanting?.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private visibility(visible: boolean): void {
    if (visible && !this.wanting) this.wanting = this.model.want();
    if (!visible) {
      this.wanting?.dispose();
      this.wanting = undefined;
    }
  }

  private show(state: ImpactState): void {
    switch (state.kind) {
      case "idle":
      case "loading":
        this.view.message = "Reading the impact of your changes…";
        this.view.description = undefined;
        this.roots = [];
        break;
      case "unavailable":
        // Restricted mode is explained by the view's welcome content, with the button to trust.
        this.view.message = state.needsTrust ? undefined : state.message;
        this.view.description = undefined;
        this.roots = [];
        break;
      case "report": {
        const { report } = state;
        this.roots = impactTree(report);
        this.view.description = `vs ${impactBase(report)}`;
        this.view.message =
          report.changes.length === 0 ? `No asset changed against ${impactBase(report)}.` : impactSummary(report);
        this.view.badge =
          report.changes.length === 0 ? undefined : { value: report.changes.length, tooltip: impactSummary(report) };
        break;
      }
      default:
        return assertNever(state);
    }
    if (state.kind !== "report") this.view.badge = undefined;
    this.changeEmitter.fire();
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected impact state ${JSON.stringify(value)}`);
}
