/**
 * "Assetline: Show Impact of Uncommitted Changes": the impact view in the Source Control
 * container, refreshed, and the lineage panel centred on the change that matters most with
 * every changed and impacted asset highlighted.
 */
import * as vscode from "vscode";
import type { ImpactReport } from "../../../protocol/impact";
import type { RunningCtx } from "../ctx";
import { LineagePanel } from "../lineage/panel";
import { impactFocus } from "./highlight";
import { UNTRUSTED_MESSAGE } from "./impactModel";
import { IMPACT_VIEW_ID } from "./impactView";

/** Resolves with the report shown, or undefined when there is none (the user was told why). */
export async function showImpact({ ctx }: RunningCtx): Promise<ImpactReport | undefined> {
  if (!ctx.trusted) {
    // Not awaited: the command ends now, whether or not the user answers.
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, "Manage Workspace Trust").then((choice) => {
      if (choice) void vscode.commands.executeCommand("workbench.trust.manage");
    });
    return undefined;
  }
  await vscode.commands.executeCommand(`${IMPACT_VIEW_ID}.focus`);
  await ctx.impact.refresh();
  const state = ctx.impact.state;
  if (state.kind !== "report") {
    if (state.kind === "unavailable")
      void ctx.showError(`Assetline could not read the impact of your changes: ${state.message}`);
    return undefined;
  }
  const { report } = state;
  if (report.changes.length === 0) {
    void vscode.window.showInformationMessage(`No asset changed against ${report.base.ref}.`);
    return report;
  }
  const focus = impactFocus(report);
  LineagePanel.show(ctx, focus === undefined ? {} : { focus }, { impact: true });
  return report;
}
