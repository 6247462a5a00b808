/**
 * A workspace whose package.json depends on assetline but has nothing installed (a fresh
 * clone before `npm install`): the extension activates and starts its bundled engine by
 * itself, before any file is opened. The suite never activates the extension: it waits.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AssetlineApi } from "../../../client/src/extension";
import { EXTENSION_ID, until, workspaceRoot } from "./helpers";

/** Resolves once the extension is active; VS Code has no event for another extension's activation. */
async function activatedByItself(): Promise<AssetlineApi> {
  const extension = vscode.extensions.getExtension<AssetlineApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const deadline = Date.now() + 60_000;
  while (!extension.isActive) {
    if (Date.now() > deadline) assert.fail("the extension did not activate within 60 s of the window opening");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(extension.exports, "the extension failed to activate (see the Assetline log)");
  return extension.exports;
}

describe("Assetline in VS Code (package.json dependency, nothing installed)", () => {
  it("activates and starts the language server without a file being opened", async () => {
    assert.equal(existsSync(join(workspaceRoot(), "node_modules")), false, "the workspace should have no node_modules");
    const api = await activatedByItself();
    await until([api.onDidChangeState], () => api.state() === "running", "the language server to run");
    const opened = vscode.workspace.textDocuments.filter(
      (document) => document.uri.scheme === "file" && document.languageId.startsWith("typescript"),
    );
    assert.deepEqual(
      opened.map((document) => document.uri.fsPath),
      [],
      "no TypeScript file was needed",
    );
    // Nothing installed in the workspace: the engine that runs is the one the .vsix carries.
    assert.equal(api.launch()?.engine.source, "bundled");
  });
});
