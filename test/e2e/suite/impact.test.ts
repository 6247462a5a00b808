/**
 * "Show Impact of Uncommitted Changes" and the Asset Impact view, in a TRUSTED copy of
 * examples/jaffle_shop made a git repository here (real `git init` and commits). An unsaved
 * edit that drops a column read downstream must show up as breaking, with its consumer and
 * owners, and the view must follow HEAD when it moves without any file of the workspace changing.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AssetlineApi } from "../../../client/src/extension";
import type { ImpactState } from "../../../client/src/impact/impactModel";
import type { ImpactTreeItem } from "../../../client/src/impact/tree";
import type { ImpactSummary } from "../../../protocol/impact";
import type { HostToWebviewMessage } from "../../../protocol/webview";
import { activatedApi, until, workspaceRoot } from "./helpers";

const STG_ORDERS = join("src", "staging", "stg_orders.ts");

function git(...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "-c", "init.defaultBranch=main", ...args],
    {
      cwd: workspaceRoot(),
      encoding: "utf8",
    },
  ).trim();
}

describe("Impact of uncommitted changes in VS Code (trusted workspace)", () => {
  let api: AssetlineApi;
  let document: vscode.TextDocument;

  const reportWhere = async (what: string, test: (report: ImpactSummary) => boolean): Promise<ImpactSummary> => {
    try {
      return await until(
        [api.onDidChangeImpact as vscode.Event<unknown>],
        () => {
          const state: ImpactState = api.impactState();
          return state.kind === "summary" && test(state.summary) ? state.summary : undefined;
        },
        what,
      );
    } catch (error) {
      const state = api.impactState();
      const seen =
        state.kind === "summary"
          ? `changes ${state.summary.changes.map((change) => change.key).join(", ")} vs ${state.summary.base.commit}`
          : JSON.stringify(state);
      throw new Error(`${error instanceof Error ? error.message : String(error)}; last state: ${seen}`, {
        cause: error,
      });
    }
  };

  const roots = async (): Promise<ImpactTreeItem[]> => (await api.impactView.getChildren(undefined)) ?? [];

  before(async () => {
    api = await activatedApi();
    git("init", "--quiet");
    git("add", "--all");
    git("commit", "--quiet", "-m", "the jaffle shop as the team has it");
  });

  it("shows the Asset Impact view in the Source Control container, with nothing changed yet", async () => {
    const head = git("rev-parse", "HEAD");
    const report = await vscode.commands.executeCommand<ImpactSummary | undefined>("assetline.showImpact");
    assert.ok(report, `no report: ${JSON.stringify(api.impactState())}`);
    assert.equal(report.base.commit, head);
    assert.deepEqual(report.changes, []);
    assert.deepEqual(await roots(), []);
  });

  it("follows an unsaved edit that drops a column: breaking, with the consumer and its owners under it", async () => {
    document = await vscode.workspace.openTextDocument(join(workspaceRoot(), STG_ORDERS));
    await vscode.window.showTextDocument(document);
    const at = document.getText().indexOf("        status\n");
    assert.ok(at > 0, "stg_orders.ts no longer selects status as the test expects");
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(at), document.positionAt(at + "        status".length)),
      "        status as order_status",
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(document.isDirty, "the edit must stay unsaved");

    const report = await reportWhere("stg_orders to be reported as a breaking change", (candidate) =>
      candidate.changes.some((change) => change.key === "stg_orders" && change.category === "breaking"),
    );
    // The summary counts what will fail; the assets themselves come when the change is expanded.
    assert.ok(report.impacted.breaking >= 1, JSON.stringify(report.impacted));
    const counted = report.changes.find((change) => change.key === "stg_orders");
    assert.ok(counted && counted.downstream.breaking >= 1, JSON.stringify(counted?.downstream));

    const change = (await roots()).find((item) => item.id === "change:stg_orders");
    assert.ok(change, `no stg_orders in ${(await roots()).map((item) => item.id).join(", ")}`);
    const changeItem = await api.impactView.getTreeItem(change);
    assert.match(String(changeItem.description), /^modified · breaking/);
    assert.equal((changeItem.iconPath as vscode.ThemeIcon).color?.id, "list.errorForeground");
    const children = (await api.impactView.getChildren(change)) ?? [];
    const orders = children.find((item) => item.label === "orders");
    assert.ok(orders, `orders is not under stg_orders: ${children.map((item) => item.label).join(", ")}`);
    assert.match(orders.description, /^breaking · direct/);
    const owners = ((await api.impactView.getChildren(orders)) ?? [])
      .filter((item) => item.kind === "owner")
      .map((item) => item.label)
      .sort();
    assert.deepEqual(owners, ["ana@example.com", "team:analytics"]);
  });

  it("opens an impacted asset's code from its item", async () => {
    const change = (await roots()).find((item) => item.id === "change:stg_orders")!;
    const orders = ((await api.impactView.getChildren(change)) ?? []).find((item) => item.label === "orders")!;
    const command = (await api.impactView.getTreeItem(orders)).command;
    assert.ok(command, "the orders item opens nothing");
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const editor = await until(
      [vscode.window.onDidChangeActiveTextEditor as vscode.Event<unknown>],
      () => {
        const active = vscode.window.activeTextEditor;
        return active?.document.uri.fsPath.endsWith(join("src", "marts", "orders.ts")) ? active : undefined;
      },
      "orders.ts to be the active editor",
    );
    assert.ok(
      editor.document.lineAt(editor.selection.active.line).text.includes("export const orders"),
      editor.document.lineAt(editor.selection.active.line).text,
    );
  });

  it("opens the lineage panel with the change and its downstream highlighted", async () => {
    let posted: Extract<HostToWebviewMessage, { type: "graph" }> | undefined;
    const listener = api.onDidPostToLineage((message) => {
      if (message.type === "graph" && message.impact.some((entry) => entry.key === "stg_orders")) posted = message;
    });
    try {
      const waiting = until(
        [api.onDidPostToLineage as vscode.Event<unknown>],
        () => posted,
        "the lineage graph with the impact highlighted",
      );
      const report = await vscode.commands.executeCommand<ImpactSummary | undefined>("assetline.showImpact");
      assert.ok(report?.changes.some((change) => change.key === "stg_orders"));
      const message = await waiting;
      assert.equal(message.focus, "stg_orders");
      const tones = new Map(message.impact.map((entry) => [entry.key, entry.tone]));
      assert.equal(tones.get("stg_orders"), "breaking");
      assert.equal(tones.get("orders"), "breaking", JSON.stringify(message.impact));
      // The overlay covers the keys the panel draws, and the changed ones are drawn whatever the scope.
      const drawn = new Set(message.graph.nodes.map((node) => node.key));
      for (const key of tones.keys()) assert.ok(drawn.has(key), `${key} is highlighted but not on the panel`);
      for (const change of report!.changes) assert.ok(drawn.has(change.key), `${change.key} is on the panel`);
    } finally {
      listener.dispose();
    }
  });

  it("follows HEAD when it moves while no file of the workspace changes", async () => {
    // Back to what HEAD has (an edit restoring the text), so the only change left to see is HEAD itself.
    const at = document.getText().indexOf("        status as order_status\n");
    const undo = new vscode.WorkspaceEdit();
    undo.replace(
      document.uri,
      new vscode.Range(document.positionAt(at), document.positionAt(at + "        status as order_status".length)),
      "        status",
    );
    assert.ok(await vscode.workspace.applyEdit(undo));
    await reportWhere("the impact to be empty once the edit is undone", (report) => report.changes.length === 0);
    git("commit", "--quiet", "--allow-empty", "-m", "HEAD moves, the tree stays");
    const head = git("rev-parse", "HEAD");
    const report = await reportWhere(
      `the report to compare with the new HEAD ${head.slice(0, 7)}`,
      (candidate) => candidate.base.commit === head,
    );
    assert.deepEqual(report.changes, []);
  });
});
