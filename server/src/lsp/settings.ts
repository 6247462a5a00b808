/**
 * The `assetline.*` settings as the server sees them: pulled with workspace/configuration
 * when the client supports it (scoped to the workspace folder), else taken from
 * initializationOptions and didChangeConfiguration. Cached until the client says they changed.
 */
import type { Connection } from "vscode-languageserver";
import {
  type AssetlineSettings,
  DEFAULT_SETTINGS,
  type InitializationOptions,
  readSettings,
  SETTINGS_SECTION,
} from "../../../protocol";

export class SettingsCache {
  private cached: Promise<AssetlineSettings> | undefined;
  private pushed: AssetlineSettings;

  constructor(
    private readonly connection: Connection,
    private readonly pull: boolean,
    /** The workspace folder URI the settings are asked for (folder settings override user settings). */
    private readonly scopeUri: string,
    initializationOptions: unknown,
  ) {
    const options = initializationOptions as InitializationOptions | undefined;
    this.pushed = options?.settings === undefined ? DEFAULT_SETTINGS : readSettings(options.settings);
  }

  get(): Promise<AssetlineSettings> {
    this.cached ??= this.load();
    return this.cached;
  }

  /** didChangeConfiguration: forget the cache; a push-only client sends the new values along. */
  changed(settings: unknown): void {
    this.cached = undefined;
    const section = (settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    if (!this.pull && section !== undefined) this.pushed = readSettings(section);
  }

  private async load(): Promise<AssetlineSettings> {
    if (!this.pull) return this.pushed;
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration({
        scopeUri: this.scopeUri,
        section: SETTINGS_SECTION,
      });
      return readSettings(raw);
    } catch {
      // A client that fails the request still deserves a working server.
      return this.pushed;
    }
  }
}
