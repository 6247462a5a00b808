import { join } from "node:path";

/**
 * Where a workspace keeps its run history: `<workspace>/.assetline/assetline.db`. Its own
 * module so that callers which only need the path (the language server at start-up) do not
 * load the native SQLite driver.
 */
export function storePath(workspaceRoot: string): string {
  return join(workspaceRoot, ".assetline", "assetline.db");
}
