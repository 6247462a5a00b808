/**
 * The "Impact of Changes" tree in the Source Control view container, next to the changed files
 * a user reviews before committing: changed assets → impacted assets → owners, each opening
 * its code. It asks for a fresh summary only while it is visible, and for a change's impacted
 * assets when the change is expanded, a page at a time ("N more" loads the next page).
 */
import { join } from "node:path";
import * as vscode from "vscode";
import type { ImpactSummary } from "../../../protocol/impact";
import type { Ctx } from "../ctx";
import { type ImpactModel, type ImpactState } from "./impactModel";
import { ImpactPages } from "./impactPages";
import {
  changeChildren,
  type ImpactTreeItem,
  impactBase,
  impactSummary,
  impactTree,
  noteItem,
  ownersChildren,
} from "./tree";

/** package.json contributes this view to the `scm` container under the same id. */
export const IMPACT_VIEW_ID = "assetline.impact";
/**
 * The view's `when`: true from the first server start on, so a TypeScript project that does not
 * use Assetline never sees it, and a crashed server's view stays to say so.
 */
const VIEW_ENABLED_CONTEXT = "assetline.impact.enabled";
/** A "N more" item's command (package.json declares it, hidden from the palette). */
export const SHOW_MORE_COMMAND = "assetline.impact.showMore";

export class ImpactView implements vscode.TreeDataProvider<ImpactTreeItem>, vscode.Disposable {
  private roots: ImpactTreeItem[] = [];
  private summary: ImpactSummary | undefined;
  private readonly pages: ImpactPages;
  private readonly changeEmitter = new vscode.EventEmitter<ImpactTreeItem | undefined>();
  private readonly view: vscode.TreeView<ImpactTreeItem>;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private wanting: vscode.Disposable | undefined;

  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly ctx: Ctx,
    private readonly model: ImpactModel,
  ) {
    this.pages = new ImpactPages(model);
    this.view = vscode.window.createTreeView(IMPACT_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      vscode.commands.registerCommand(SHOW_MORE_COMMAND, (item?: ImpactTreeItem) => this.showMore(item)),
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
    // A change's downstream is fetched when the user expands it; the owners are in the summary.
    const state =
      item.kind === "owners"
        ? vscode.TreeItemCollapsibleState.Expanded
        : item.children.length > 0 || item.lazy
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None;
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
    if (item.more) {
      treeItem.command = { title: "Show More", command: SHOW_MORE_COMMAND, arguments: [item] };
    } else if (item.open && root) {
      const uri = vscode.Uri.file(join(root, item.open.file));
      const line = Math.max(0, item.open.line - 1);
      const options: vscode.TextDocumentShowOptions = { selection: new vscode.Range(line, 0, line, 0), preview: true };
      treeItem.command = { title: "Open Definition", command: "vscode.open", arguments: [uri, options] };
    }
    return treeItem;
  }

  async getChildren(item?: ImpactTreeItem): Promise<ImpactTreeItem[]> {
    if (!item) return this.roots;
    const summary = this.summary;
    if (!item.lazy || !summary) return [...item.children];
    try {
      if (item.lazy.list === "owners") return ownersChildren(await this.pages.owners(summary));
      const { change: key } = item.lazy;
      const change = summary.changes.find((candidate) => candidate.key === key);
      if (!change) return [];
      const none = change.downstream.breaking + change.downstream.data === 0;
      return changeChildren(summary, change, none ? { entries: [], total: 0 } : await this.pages.downstream(key));
    } catch (error) {
      // The summary this item came from may be gone already; the next one re-lists the tree.
      return [noteItem(item.id, error instanceof Error ? error.message : String(error))];
    }
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

  /** Loads the next page of the list a "N more" item ends, and re-lists its parent. */
  private async showMore(item: ImpactTreeItem | undefined): Promise<void> {
    const summary = this.summary;
    if (!item?.more || !summary) return;
    try {
      await this.pages.more(summary, item.more);
    } catch (error) {
      void this.ctx.showError(`Could not list more: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const parentId = item.more.list === "owners" ? "owners" : `change:${item.more.change}`;
    this.changeEmitter.fire(this.roots.find((root) => root.id === parentId));
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
        this.summary = undefined;
        break;
      case "unavailable":
        // Restricted mode is explained by the view's welcome content, with the button to trust.
        this.view.message = state.needsTrust ? undefined : state.message;
        this.view.description = undefined;
        this.roots = [];
        this.summary = undefined;
        break;
      case "summary": {
        const { summary } = state;
        this.summary = summary;
        // Pages belong to the answer they came with; how far the user paged is kept.
        this.pages.reset();
        this.roots = impactTree(summary);
        this.view.description = `vs ${impactBase(summary)}`;
        this.view.message =
          summary.changes.length === 0 ? `No asset changed against ${impactBase(summary)}.` : impactSummary(summary);
        this.view.badge =
          summary.changes.length === 0 ? undefined : { value: summary.changes.length, tooltip: impactSummary(summary) };
        break;
      }
      default:
        return assertNever(state);
    }
    if (state.kind !== "summary") this.view.badge = undefined;
    this.changeEmitter.fire(undefined);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected impact state ${JSON.stringify(value)}`);
}
