/**
 * The command table. Each command has the form it takes while the server runs (given a
 * RunningCtx, so the client is known to exist) and, where it matters, the form it takes
 * otherwise. Commands are registered again whenever the server's state or the workspace's trust
 * changes, so a stopped server answers every command with one clear message.
 */
import * as vscode from "vscode";
import { ClientCommands, type ClientCommandId } from "../../protocol/commands";
import type { Ctx, RunningCtx, ServerState } from "./ctx";
import { LineagePanel } from "./lineage/panel";
import { goToFailingCode, materialize, runChecks } from "./runCommands";
import { parseAssetArgs, parseLineageArgs, parseRunChecksArgs, parseRunArgs } from "./commandArgs";
import { showImpact } from "./impact/showImpact";
import { goToAssetHere } from "./goToAsset";
import type { RunDocuments } from "./runDocument";

type Handler = (...args: unknown[]) => unknown;

type CommandSpec =
  /** Needs the server; refused with one message while it is down. */
  | {
      readonly needs: "server";
      /** Runs the workspace's code: refused in an untrusted workspace too. */
      readonly executesCode: boolean;
      readonly enabled: (running: RunningCtx) => Handler;
    }
  /** Works whatever the server's state (restart, logs). */
  | { readonly needs: "nothing"; readonly run: (ctx: Ctx) => Handler };

type ExtensionCommandId =
  | ClientCommandId
  | "assetline.showImpact"
  | "assetline.refreshImpact"
  | "assetline.restartServer"
  | "assetline.showLogs"
  | "assetline.goToAsset"
  | "assetline.showRun"
  | "assetline.goToFailingCode";

/** Every command the extension contributes (package.json lists the same ids). */
export function commandTable(ctx: Ctx, runs: RunDocuments): Record<ExtensionCommandId, CommandSpec> {
  return {
    [ClientCommands.materialize]: {
      needs: "server",
      executesCode: true,
      enabled: (running) => (raw) => materialize(running, parseAssetArgs(raw), false),
    },
    [ClientCommands.materializeWithUpstream]: {
      needs: "server",
      executesCode: true,
      enabled: (running) => (raw) => materialize(running, parseAssetArgs(raw), true),
    },
    [ClientCommands.runChecks]: {
      needs: "server",
      executesCode: true,
      enabled: (running) => (raw) => runChecks(running, parseRunChecksArgs(raw)),
    },
    // The panel opens while the server is down too, and says so itself.
    [ClientCommands.showLineage]: {
      needs: "nothing",
      run: () => (raw) => LineagePanel.show(ctx, parseLineageArgs(raw)),
    },
    "assetline.goToAsset": { needs: "server", executesCode: false, enabled: (running) => () => goToAssetHere(running) },
    "assetline.showRun": {
      needs: "server",
      executesCode: false,
      enabled: () => (raw) => {
        const args = parseRunArgs(raw);
        return args ? runs.show(args.runId) : undefined;
      },
    },
    "assetline.goToFailingCode": {
      needs: "server",
      executesCode: false,
      enabled: (running) => (raw) => {
        const args = parseRunArgs(raw);
        return args ? goToFailingCode(running, args.runId) : undefined;
      },
    },
    // Runs git, not the workspace's code; showImpact itself refuses restricted mode (see ImpactModel).
    "assetline.showImpact": { needs: "server", executesCode: false, enabled: (running) => () => showImpact(running) },
    "assetline.refreshImpact": { needs: "nothing", run: () => () => ctx.impact.refresh() },
    "assetline.restartServer": { needs: "nothing", run: () => () => ctx.restart() },
    "assetline.showLogs": { needs: "nothing", run: () => () => ctx.log.show(true) },
  };
}

/** Registers the table's commands in the forms that fit the current state; call again on change. */
export class Commands implements vscode.Disposable {
  private registered: vscode.Disposable[] = [];
  private inUse = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly table: Record<string, CommandSpec>,
  ) {}

  update(): void {
    this.dispose();
    const state = this.ctx.state;
    for (const [id, spec] of Object.entries(this.table)) {
      this.registered.push(vscode.commands.registerCommand(id, this.handlerFor(spec, state)));
    }
    void vscode.commands.executeCommand("setContext", "assetline.serverRunning", state.kind === "running");
    // Keybindings answer from the first start on, a stopped server included (it says so and
    // offers Restart); in a workspace that never uses Assetline they leave the keys alone.
    if (state.kind !== "stopped" && !this.inUse) {
      this.inUse = true;
      void vscode.commands.executeCommand("setContext", "assetline.inUse", true);
    }
  }

  dispose(): void {
    for (const disposable of this.registered.splice(0)) disposable.dispose();
  }

  private handlerFor(spec: CommandSpec, state: ServerState): Handler {
    if (spec.needs === "nothing") return spec.run(this.ctx);
    if (state.kind !== "running") return (...args) => this.onceSettled(spec, args);
    if (spec.executesCode && !this.ctx.trusted) return () => untrusted();
    return spec.enabled({ ctx: this.ctx, state });
  }

  /**
   * A command given while the server starts or restarts (Ctrl+Alt+A right after opening the
   * folder, Materialize right after trusting it) runs once the server is up, rather than
   * asking the user to try again; one given to a stopped server gets the one message.
   */
  private async onceSettled(spec: CommandSpec, args: unknown[]): Promise<unknown> {
    const state = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "Assetline: waiting for the language server" },
      () => this.ctx.settled(),
    );
    if (state.kind === "running") return this.handlerFor(spec, state)(...args);
    if (state.kind === "stopped") return notRunning(this.ctx, state);
    // Started again by something outside the queue (the client's own restart after a crash).
    void vscode.window.showInformationMessage("Assetline's language server is still starting; try again in a moment.");
    return undefined;
  }
}

/**
 * The one message for every command while the server is down. Not awaited: a command must
 * end now, not when the user dismisses the message.
 */
function notRunning(ctx: Ctx, state: Extract<ServerState, { kind: "stopped" }>): void {
  void ctx.showError(`Assetline's language server is not running (${state.reason}).`);
}

function untrusted(): void {
  const message =
    "Materializing and running checks execute this workspace's code, so they need a trusted workspace. Analysis, diagnostics and navigation work without it.";
  void vscode.window.showWarningMessage(message, "Manage Workspace Trust").then((choice) => {
    if (choice) void vscode.commands.executeCommand("workbench.trust.manage");
  });
}
