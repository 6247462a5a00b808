/**
 * Links from alerts and chat (`vscode://assetline.assetline/asset?key=marts/orders&check=…&run=…`,
 * printed by `assetline status` and `assetline logs`): open the asset's definition, or its
 * check's, and the run when one is named. A key this workspace does not define is said, with
 * Go to Asset… offered, rather than opening something else.
 */
import * as vscode from "vscode";
import { type AssetLink, parseAssetLink } from "../../protocol/links";
import { LineageRequest } from "../../protocol/methods";
import type { Ctx, RunningCtx } from "./ctx";
import { goToAsset, openLocation } from "./goToAsset";
import type { RunDocuments } from "./runDocument";

/** What a link did, for the log and tests. */
export type LinkOutcome =
  { readonly opened: string; readonly check?: string; readonly run?: string } | { readonly refused: string };

const SERVER_WAIT_MS = 60_000;

export class LinkHandler implements vscode.UriHandler {
  constructor(
    private readonly ctx: Ctx,
    private readonly runs: RunDocuments,
  ) {}

  handleUri(uri: vscode.Uri): void {
    void this.follow(uri);
  }

  /** Follows a link; resolves with what it did once the editor shows it. */
  follow(uri: vscode.Uri): Promise<LinkOutcome> {
    return this.open(uri).then(
      (outcome) => {
        this.ctx.log.info(
          `link ${uri.toString(true)}: ${"opened" in outcome ? `opened ${outcome.opened}` : outcome.refused}`,
        );
        return outcome;
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        void this.ctx.showError(`Assetline could not open the link: ${reason}`);
        return { refused: reason };
      },
    );
  }

  private async open(uri: vscode.Uri): Promise<LinkOutcome> {
    const parsed = parseAssetLink(uri.path, uri.query);
    if (!parsed.ok) {
      void vscode.window.showWarningMessage(`Assetline: ${parsed.error}.`);
      return { refused: parsed.error };
    }
    const running = await this.running();
    if (!running) return { refused: "the language server is not running" };
    return this.openLink(running, parsed.link);
  }

  private async openLink(running: RunningCtx, link: AssetLink): Promise<LinkOutcome> {
    const graph = await running.state.client.sendRequest(LineageRequest.type, {});
    const node = graph.nodes.find((candidate) => candidate.key === link.key && candidate.location !== undefined);
    if (!node?.location) {
      const message = `The link names the asset "${link.key}", which nothing in this workspace defines.`;
      // Not awaited: the user may leave the question open; the link is handled either way.
      void vscode.window.showWarningMessage(message, "Go to Asset…").then((choice) => {
        if (choice) void goToAsset(running, link.key);
      });
      return { refused: `unknown key ${link.key}` };
    }
    const check = link.check === undefined ? undefined : node.checks.find((candidate) => candidate.name === link.check);
    if (link.check !== undefined && !check)
      void vscode.window.showWarningMessage(
        `${link.key} has no check named "${link.check}" any more; showing the asset.`,
      );
    await openLocation(check?.location ?? node.location);
    if (link.run !== undefined) await this.runs.show(link.run);
    return { opened: node.key, ...(check ? { check: check.name } : {}), ...(link.run ? { run: link.run } : {}) };
  }

  /** A link can open the window: the server may still be starting, or not started yet. */
  private async running(): Promise<RunningCtx | undefined> {
    const state = this.ctx.state;
    if (state.kind === "running") return { ctx: this.ctx, state };
    if (state.kind === "stopped") void this.ctx.start();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), SERVER_WAIT_MS);
      const listener = this.ctx.onDidChangeState((next) => {
        if (next.kind === "running") finish({ ctx: this.ctx, state: next });
      });
      const finish = (value: RunningCtx | undefined): void => {
        clearTimeout(timer);
        listener.dispose();
        if (!value) void this.ctx.showError("Assetline's language server did not start, so the link cannot be opened.");
        resolve(value);
      };
    });
  }
}
