/**
 * "Assetline: Show Impact of Uncommitted Changes": the impact view in the Source Control
 * container, refreshed, and the lineage panel centred on the change that matters most with
 * the changed and impacted assets it draws highlighted.
 */
import * as vscode from "vscode";
import type { ImpactSummary } from "../../../protocol/impact";
import type { RunningCtx } from "../ctx";
import { LineagePanel } from "../lineage/panel";
import { impactFocus } from "./highlight";
import { UNTRUSTED_MESSAGE } from "./impactModel";
import { IMPACT_VIEW_ID } from "./impactView";

/** Resolves with the summary shown, or undefined when there is none (the user was told why). */
export async function showImpact({ ctx }: RunningCtx): Promise<ImpactSummary | undefined> {
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
  if (state.kind !== "summary") {
    if (state.kind === "unavailable")
      void ctx.showError(`Assetline could not read the impact of your changes: ${state.message}`);
    return undefined;
  }
  const { summary } = state;
  if (summary.changes.length === 0) {
    void vscode.window.showInformationMessage(`No asset changed against ${summary.base.ref}.`);
    return summary;
  }
  const focus = impactFocus(summary);
  LineagePanel.show(ctx, focus === undefined ? {} : { focus }, { impact: true });
  return summary;
}
