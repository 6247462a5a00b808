/**
 * The `assetline.*` settings, read through the one typed reader the server uses too
 * (protocol/settings.ts), so the client and the server can never disagree on a default.
 */
import * as vscode from "vscode";
import {
  type AssetlineSettings,
  SETTINGS_NEEDING_RESTART,
  SETTINGS_SECTION,
  readSettings,
} from "../../protocol/settings";

/** The settings as they apply to the first workspace folder (folder settings override user settings). */
export function currentSettings(): AssetlineSettings {
  const scope = vscode.workspace.workspaceFolders?.[0]?.uri;
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return readSettings({
    analysis: config.get("analysis"),
    status: config.get("status"),
    codeLens: config.get("codeLens"),
    server: config.get("server"),
  });
}

/** True when a configuration change needs the server restarted to take effect. */
export function needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
  return SETTINGS_NEEDING_RESTART.some((setting) => event.affectsConfiguration(setting));
}
