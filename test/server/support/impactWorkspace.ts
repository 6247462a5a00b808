/**
 * The lsp-impact fixture as the impact suites use it: a copy committed to git (the base every
 * impact answer compares with), and the unsaved edit that breaks what `up` feeds.
 */
import type { Position } from "vscode-languageserver-protocol";
import { commitAll } from "../../support/gitRepo";
import type { TestClient } from "./client";
import { positionOf } from "./edits";
import type { ServerPerTest } from "./perTest";

export const IMPACT_FIXTURE = "lsp-impact";
/** The column `up` produces that its consumers read. */
export const STATUS_COLUMN = ", 'paid' as status";

/**
 * Starts the test's server on a copy of lsp-impact, after `prepare` (more files, say) and a
 * commit of everything, as a user's clean checkout would be.
 */
export function startCommitted(server: ServerPerTest, prepare?: (root: string) => void): Promise<TestClient> {
  return server.start(IMPACT_FIXTURE, {
    prepare: (root) => {
      prepare?.(root);
      commitAll(root);
    },
  });
}

/** Drops `status` from up's SELECT, unsaved: every consumer of it breaks. Returns where it stood. */
export async function dropStatus(client: TestClient): Promise<Position> {
  const file = "src/up.ts";
  await client.open(file);
  const text = client.read(file);
  const start = positionOf(text, STATUS_COLUMN);
  const end = positionOf(text, STATUS_COLUMN, STATUS_COLUMN.length);
  await client.edit(file, { range: { start, end }, text: "" });
  return start;
}
