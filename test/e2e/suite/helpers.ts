/**
 * Helpers for suites running inside the extension host: activation, and waiting for a
 * condition that is re-checked whenever something relevant happens (never a fixed sleep).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AssetlineApi } from "../../../client/src/extension";
import { LineageRequest } from "../../../protocol/methods";
import type { LineageGraph } from "../../../protocol/lineage";

export const EXTENSION_ID = "assetline.assetline";

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error("the e2e suites need a workspace folder");
  return folder.uri.fsPath;
}

/**
 * Resolves with the first truthy result of `probe`, which runs now and again after each of the
 * events fires (one probe at a time); rejects after `timeoutMs` saying what was awaited.
 */
export function until<R>(
  events: readonly vscode.Event<unknown>[],
  probe: () => R | undefined | Promise<R | undefined>,
  what: string,
  timeoutMs = 90_000,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let done = false;
    let probing = false;
    let again = false;
    const subscriptions = events.map((event) => event(() => void check()));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`))),
      timeoutMs,
    );
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const subscription of subscriptions) subscription.dispose();
      settle();
    }
    async function check(): Promise<void> {
      if (done) return;
      if (probing) {
        again = true;
        return;
      }
      probing = true;
      try {
        const result = await probe();
        if (result) finish(() => resolve(result));
      } catch (error) {
        finish(() => reject(error));
      } finally {
        probing = false;
      }
      if (again && !done) {
        again = false;
        void check();
      }
    }
    void check();
  });
}

/** Activates the extension and waits until its language server runs. */
export async function activatedApi(): Promise<AssetlineApi> {
  const extension = vscode.extensions.getExtension<AssetlineApi | undefined>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  if (!api) throw new Error("the extension failed to activate (see the Assetline log)");
  await until([api.onDidChangeState], () => api.state() === "running", "the language server to run");
  return api;
}

/** Waits until the server's graph has `key` (a file the test just wrote was analysed). */
export async function untilAnalysed(api: AssetlineApi, key: string): Promise<void> {
  await until(
    // The views reload when the graph's shape changes; a file without problems changes no diagnostics.
    [api.views.onDidChange, api.onDidChangeStatus, vscode.languages.onDidChangeDiagnostics],
    async () => {
      // By method name: this bundle's RequestType objects are not the extension's (each bundle has its own jsonrpc).
      const graph = (await api.client()?.sendRequest(LineageRequest.method, {})) as LineageGraph | undefined;
      return graph?.nodes.some((node) => node.key === key);
    },
    `the server to analyse ${key}`,
  );
}

/** The diagnostic's code as a string, whichever form the client gave it. */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === "object" ? String(code.value) : String(code);
}

/** Writes a file into the workspace and waits until the server publishes `code` for it. */
export async function diagnosticsFor(relativePath: string, text: string, code: string): Promise<vscode.Diagnostic> {
  const uri = vscode.Uri.file(join(workspaceRoot(), relativePath));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const waiting = until(
    [vscode.languages.onDidChangeDiagnostics],
    () => vscode.languages.getDiagnostics(uri).find((diagnostic) => codeOf(diagnostic) === code),
    `${code} on ${relativePath}`,
  );
  await vscode.window.showTextDocument(uri);
  return waiting;
}

export async function codeLensTitles(relativePath: string): Promise<string[]> {
  const uri = vscode.Uri.file(join(workspaceRoot(), relativePath));
  const lenses =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", uri, 100)) ?? [];
  return lenses.map((lens) => lens.command?.title ?? "");
}

/** The CLI's view of the run history, through the workspace's installed engine. */
export function cliStatus(): Promise<{ key: string; state: string; lastMaterializedAt: string | null }[]> {
  const root = workspaceRoot();
  const cli = join(root, "node_modules", "assetline", "bin", "assetline.js");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, "status", "--dir", root, "--format", "json"],
      { timeout: 60_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } },
      (error, stdout) => {
        if (error) reject(new Error(`assetline status failed: ${error.message}`));
        else
          resolve(
            (JSON.parse(stdout) as { assets: { key: string; state: string; lastMaterializedAt: string | null }[] })
              .assets,
          );
      },
    );
  });
}
