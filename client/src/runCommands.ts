/**
 * Materialize and Run checks: ask the server to start the run (typed requests from
 * protocol/methods.ts), follow it in a cancellable progress notification, and say how it ended,
 * with "Show logs" when it did not succeed.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import type { AssetCommandArgs, RunChecksCommandArgs } from "../../protocol/commands";
import {
  CancelRunRequest,
  LineageRequest,
  LocateAssetRequest,
  MaterializeRequest,
  RunChecksRequest,
  RunDetailsRequest,
} from "../../protocol/methods";
import type { RunFinishedParams, RunStarted } from "../../protocol/runs";
import type { RunningCtx } from "./ctx";
import { assetAtCursor, looksLikeSelection } from "./assetPick";
import { openLocation } from "./goToAsset";
import { type RefusalFix, fixFor, refusalOf } from "./refusal";

/** Materializes one asset (with everything upstream of it when asked); resolves with the run's end. */
export async function materialize(
  running: RunningCtx,
  args: AssetCommandArgs | undefined,
  withUpstream: boolean,
): Promise<RunFinishedParams | undefined> {
  const key = args?.key ?? (await pickAsset(running, "Materialize which asset?", true));
  if (key === undefined) return undefined;
  const what = withUpstream ? `${key} and its upstream` : key;
  return run(running, `Materializing ${what}`, () =>
    running.state.client.sendRequest(MaterializeRequest.type, { selection: key, withUpstream }),
  );
}

/** Evaluates an asset's checks (or one of them) without building it. */
export async function runChecks(
  running: RunningCtx,
  args: RunChecksCommandArgs | undefined,
): Promise<RunFinishedParams | undefined> {
  const key = args?.key ?? (await pickAsset(running, "Run the checks of which asset?"));
  if (key === undefined) return undefined;
  const title = args?.check === undefined ? `Running the checks of ${key}` : `Running check ${args.check} of ${key}`;
  return run(running, title, () =>
    running.state.client.sendRequest(RunChecksRequest.type, {
      key,
      ...(args?.check === undefined ? {} : { check: args.check }),
    }),
  );
}

async function run(
  running: RunningCtx,
  title: string,
  start: () => Promise<RunStarted>,
): Promise<RunFinishedParams | undefined> {
  const { ctx, state } = running;
  let started: RunStarted;
  try {
    started = await start();
  } catch (error) {
    // The server refuses in the user's words (unsaved files, errors in the definitions, no such
    // key), and says why in the error's data, so the toast offers the fix.
    const reason = error instanceof Error ? error.message : String(error);
    ctx.log.warn(`${title}: refused: ${reason}`);
    const fix = fixFor(refusalOf((error as { data?: unknown }).data));
    if (fix.kind === "logs") {
      void ctx.showError(`${title} could not start: ${reason}`);
      return undefined;
    }
    // Not awaited: the command ends now; saving runs the same request again.
    void vscode.window.showWarningMessage(`${title} could not start: ${reason}`, fix.label).then(async (choice) => {
      if (choice === fix.label && (await applyFix(running, fix))) await run(running, title, start);
    });
    return undefined;
  }
  ctx.log.info(`${title}: run ${started.runId}, ${started.steps} step(s)`);
  ctx.runs.plan(started.runId, started.steps);
  const finished = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) =>
      new Promise<RunFinishedParams>((resolve) => {
        const increment = 100 / Math.max(1, started.steps);
        const cancel = token.onCancellationRequested(() => {
          progress.report({ message: "cancelling…" });
          state.client
            .sendRequest(CancelRunRequest.type, { runId: started.runId })
            .catch((error: unknown) => ctx.log.warn(`cancel failed: ${String(error)}`));
        });
        ctx.runs.follow(started.runId, {
          onEvent: (event) => {
            const subject = event.checkName ? `${event.assetKey}:${event.checkName}` : event.assetKey;
            if (event.type === "STEP_STARTED") progress.report({ message: subject });
            if (event.type === "STEP_SUCCESS" || event.type === "STEP_FAILURE" || event.type === "STEP_SKIPPED")
              progress.report({ increment });
          },
          onFinished: (end) => {
            cancel.dispose();
            resolve(end);
          },
        });
      }),
  );
  void report(running, title, finished);
  return finished;
}

async function report(running: RunningCtx, title: string, finished: RunFinishedParams): Promise<void> {
  const seconds = (finished.durationMs / 1000).toFixed(1);
  const steps = finished.steps.length;
  switch (finished.status) {
    case "SUCCESS":
      void vscode.window.showInformationMessage(
        `${title}: done in ${seconds} s (${steps} step${steps === 1 ? "" : "s"}).`,
      );
      return;
    case "CANCELED":
      void vscode.window.showInformationMessage(`${title}: cancelled.`);
      return;
    case "FAILURE": {
      const failed = finished.steps.filter((step) => step.status === "failed");
      const first = failed[0];
      const where = first
        ? ` ${first.checkName ? `${first.assetKey}:${first.checkName}` : first.assetKey}: ${first.message ?? "failed"}`
        : "";
      const choice = await vscode.window.showErrorMessage(
        `${title} failed.${where || ` ${finished.message ?? ""}`}`,
        "Go to Failing Code",
        "Show Run",
      );
      if (choice === "Go to Failing Code")
        await vscode.commands.executeCommand("assetline.goToFailingCode", { runId: finished.runId });
      if (choice === "Show Run") await vscode.commands.executeCommand("assetline.showRun", { runId: finished.runId });
      return;
    }
    default:
      return assertNever(finished.status);
  }
}

/**
 * Opens the line that threw in a run's first failed step (the user's TypeScript), or the failed
 * asset's definition when the failure names no line of theirs (a timeout, a failed check).
 */
export async function goToFailingCode(running: RunningCtx, runId: string): Promise<vscode.TextEditor | undefined> {
  const { client } = running.state;
  const details = await client.sendRequest(RunDetailsRequest.type, { runId });
  const failure = details?.events.find((event) => event.type === "STEP_FAILURE");
  const root = running.ctx.workspaceRoot;
  if (failure?.location && root) {
    const at = new vscode.Position(failure.location.line, failure.location.character);
    return vscode.window.showTextDocument(vscode.Uri.file(path.join(root, failure.location.file)), {
      selection: new vscode.Range(at, at),
    });
  }
  const key =
    failure?.assetKey ??
    details?.events.find((event) => event.type === "CHECK_EVALUATION" && event.passed === false)?.assetKey;
  const location = key === undefined ? null : await client.sendRequest(LocateAssetRequest.type, { key });
  if (!location) {
    void vscode.window.showInformationMessage(
      details ? `Run ${runId} has no failed step.` : `No run ${runId} in this workspace's history.`,
    );
    return undefined;
  }
  return openLocation(location);
}

/** Applies a refusal's fix; true when the run should be asked for again (the files are saved now). */
async function applyFix(running: RunningCtx, fix: Exclude<RefusalFix, { kind: "logs" }>): Promise<boolean> {
  const root = running.ctx.workspaceRoot;
  const uriOf = (file: string): vscode.Uri => (root ? vscode.Uri.file(path.join(root, file)) : vscode.Uri.file(file));
  switch (fix.kind) {
    case "save": {
      const wanted = new Set(fix.files.map((file) => uriOf(file).toString()));
      const documents = vscode.workspace.textDocuments.filter((document) => wanted.has(document.uri.toString()));
      const saved = await Promise.all(documents.map((document) => document.save()));
      return saved.length > 0 && saved.every(Boolean);
    }
    case "open": {
      const at = new vscode.Position(fix.line, fix.character);
      await vscode.window.showTextDocument(uriOf(fix.file), { selection: new vscode.Range(at, at) });
      return false;
    }
    case "trust":
      await vscode.commands.executeCommand("workbench.trust.manage");
      return false;
  }
}

/**
 * A quick pick of the assets the server knows, for commands run from the palette: the asset
 * under the cursor first; with `selections`, what the user types can also be a selection
 * (`group:marts`, `+orders`, `tag:tier=gold`), as the CLI accepts it.
 */
async function pickAsset(running: RunningCtx, placeHolder: string, selections = false): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.placeholder = selections
    ? `${placeHolder} (or type a selection: group:marts, +orders, tag:tier=gold)`
    : placeHolder;
  pick.matchOnDescription = true;
  pick.busy = true;
  pick.show();
  try {
    const graph = await running.state.client.sendRequest(LineageRequest.type, {});
    const editor = vscode.window.activeTextEditor;
    const here = editor
      ? assetAtCursor(graph, editor.document.uri.toString(), editor.selection.active.line)
      : undefined;
    const assets = graph.nodes
      .filter((node) => node.kind === "asset")
      .sort((a, b) => (a.key === here ? -1 : b.key === here ? 1 : 0))
      .map((node): vscode.QuickPickItem => ({
        label: node.key,
        description: node.status?.state,
        detail: node.description,
      }));
    const setItems = (): void => {
      const typed = pick.value.trim();
      pick.items =
        selections && looksLikeSelection(typed)
          ? [{ label: typed, description: "selection", alwaysShow: true }, ...assets]
          : assets;
    };
    setItems();
    pick.busy = false;
    pick.onDidChangeValue(setItems);
    const chosen = await new Promise<vscode.QuickPickItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
    });
    return chosen?.label;
  } finally {
    pick.dispose();
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected run status ${String(value)}`);
}
