/**
 * The Assets view: every asset and source, grouped by group, owner or kind (switchable), with
 * its health as the icon, a filter, and a click that opens the definition. Re-read whenever
 * the graph's shape or the run history changes.
 */
import * as vscode from "vscode";
import type { LineageNode } from "../../../protocol/lineage";
import { LineageRequest, StatusRequest } from "../../../protocol/methods";
import { STATE_LABELS, type AssetNext, type AssetState } from "../../../protocol/status";
import { tableOf } from "../assetPick";
import { CATALOG_GROUPINGS, type CatalogGroup, type CatalogGrouping, catalogGroups } from "../catalogGroups";
import { nextDescription, nextTooltip } from "../nextText";
import type { Ctx } from "../ctx";

type Item =
  { readonly kind: "group"; readonly group: CatalogGroup } | { readonly kind: "asset"; readonly node: LineageNode };

const HEALTH_ICONS: Readonly<Record<AssetState, [string, string]>> = {
  fresh: ["pass-filled", "testing.iconPassed"],
  failed: ["error", "testing.iconFailed"],
  "never-materialized": ["circle-outline", "disabledForeground"],
  "code-changed": ["warning", "list.warningForeground"],
  "upstream-changed": ["warning", "list.warningForeground"],
  overdue: ["clock", "list.warningForeground"],
  unknown: ["question", "disabledForeground"],
};

export class CatalogView implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private groups: CatalogGroup[] = [];
  /** When each asset's next materialization is expected (StatusRequest), by key. */
  private next = new Map<string, AssetNext>();
  private grouping: CatalogGrouping = "group";
  private filter = "";
  private readonly view: vscode.TreeView<Item>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView("assetline.catalog", { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      ctx.onDidChangeGraph(() => void this.reload()),
      ctx.onDidChangeStatus(() => void this.reload()),
      ctx.onDidChangeState(() => void this.reload()),
      vscode.commands.registerCommand("assetline.catalog.groupBy", () => this.pickGrouping()),
      vscode.commands.registerCommand("assetline.catalog.filter", () => this.askFilter()),
    );
    void this.reload();
  }

  /** The groups shown now, for tests. */
  get shown(): readonly CatalogGroup[] {
    return this.groups;
  }

  setGrouping(grouping: CatalogGrouping): Promise<void> {
    this.grouping = grouping;
    return this.reload();
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === "group") {
      const tree = new vscode.TreeItem(item.group.name, vscode.TreeItemCollapsibleState.Expanded);
      tree.description = `${item.group.nodes.length}`;
      tree.iconPath = new vscode.ThemeIcon(
        this.grouping === "owner" ? "person" : this.grouping === "kind" ? "symbol-class" : "folder",
      );
      return tree;
    }
    const { node } = item;
    const tree = new vscode.TreeItem(node.key, vscode.TreeItemCollapsibleState.None);
    const state = node.status?.state ?? "unknown";
    const [icon, color] = HEALTH_ICONS[state];
    tree.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    const next = this.next.get(node.key);
    const now = Date.now();
    tree.description = [
      STATE_LABELS[state],
      node.kind === "source" ? "source" : undefined,
      next === undefined ? undefined : nextDescription(next, now),
    ]
      .filter(Boolean)
      .join(" · ");
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(
      `${node.key} (table ${tableOf(node.key)})${node.description ? `\n${node.description}` : ""}\n${node.status?.reason ?? ""}` +
        (next === undefined ? "" : `\n${nextTooltip(next, now)}`),
    );
    tree.tooltip = tooltip;
    tree.contextValue = node.kind;
    if (node.location) {
      const { start, end } = node.location.range;
      tree.command = {
        title: "Open Definition",
        command: "vscode.open",
        arguments: [
          vscode.Uri.parse(node.location.uri),
          { selection: new vscode.Range(start.line, start.character, end.line, end.character) },
        ],
      };
    }
    return tree;
  }

  getChildren(item?: Item): Item[] {
    if (!item) return this.groups.map((group) => ({ kind: "group", group }));
    return item.kind === "group" ? item.group.nodes.map((node) => ({ kind: "asset", node })) : [];
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async reload(): Promise<void> {
    const state = this.ctx.state;
    if (state.kind !== "running") {
      this.groups = [];
      this.view.message =
        state.kind === "starting" ? "Starting…" : `The language server is not running (${state.reason}).`;
      this.changed.fire();
      return;
    }
    try {
      const [graph, statuses] = await Promise.all([
        state.client.sendRequest(LineageRequest.type, {}),
        state.client.sendRequest(StatusRequest.type, {}),
      ]);
      this.groups = catalogGroups(graph, this.grouping, this.filter);
      this.next = new Map(statuses.flatMap((status) => (status.next === undefined ? [] : [[status.key, status.next]])));
      this.view.message = this.filter ? `Filtered by "${this.filter}"` : undefined;
      this.view.description = `by ${this.grouping}`;
      this.changed.fire();
    } catch (error) {
      this.ctx.log.warn(
        `the Assets view could not read the graph: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async pickGrouping(): Promise<void> {
    const picked = await vscode.window.showQuickPick(
      CATALOG_GROUPINGS.map((grouping) => ({ label: `by ${grouping}`, grouping, picked: grouping === this.grouping })),
      { placeHolder: "Group the assets" },
    );
    if (picked) await this.setGrouping(picked.grouping);
  }

  private async askFilter(): Promise<void> {
    const value = await vscode.window.showInputBox({
      prompt: "Show assets whose key, table, group, owner, kind or description has these words",
      value: this.filter,
    });
    if (value === undefined) return;
    this.filter = value.trim();
    await this.reload();
  }
}
