/**
 * The editor's current impact summary, kept fresh while someone shows it (the view, the lineage
 * overlay): asked again when the server says the answer may have changed (an edit, a save),
 * when HEAD or a ref moves, when the server restarts, and when the workspace becomes trusted.
 * Requests are coalesced: one in flight, at most one more queued. The impacted assets
 * themselves are asked for when shown (a page of a change's downstream, the overlay's keys).
 */
import * as vscode from "vscode";
import { ErrorCodes, type LanguageClient, LSPErrorCodes, ResponseError } from "vscode-languageclient/node";
import type { ImpactDownstreamPage, ImpactOwnersPage, ImpactPageParams, ImpactSummary } from "../../../protocol/impact";
import type { ImpactHighlight } from "../../../protocol/impactHighlight";
import {
  ImpactDownstreamRequest,
  ImpactHighlightsRequest,
  ImpactOwnersRequest,
  ImpactSummaryRequest,
} from "../../../protocol/methods";
import type { Ctx } from "../ctx";
import { HeadWatcher } from "./headWatcher";

export type ImpactState =
  /** Nobody has asked yet. */
  | { readonly kind: "idle" }
  | { readonly kind: "loading" }
  | { readonly kind: "summary"; readonly summary: ImpactSummary }
  /** No report can be had, in the user's words (server down, untrusted, git said no). */
  | { readonly kind: "unavailable"; readonly message: string; readonly needsTrust: boolean };

/**
 * Why restricted mode gets no impact: the engine runs git in the workspace's repository, and a
 * repository's own config can make git run commands (`core.fsmonitor` runs on `git ls-files`,
 * which lists the untracked files). VS Code's Git extension is off in restricted mode for the
 * same reason.
 */
export const UNTRUSTED_MESSAGE =
  "Impact analysis runs git in this repository, and a repository's own git config can make git run commands. Trust the workspace to see the impact of your changes.";

export class ImpactModel implements vscode.Disposable {
  private stateValue: ImpactState = { kind: "idle" };
  private readonly emitter = new vscode.EventEmitter<ImpactState>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private readonly head: HeadWatcher;
  private wanted = 0;
  private running: Promise<void> | undefined;
  private again = false;

  /** Fires after every state change, the same summary included (a refresh that found nothing new). */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly ctx: Ctx) {
    // The engine drops its resolved revisions when HEAD or its branch moves: one ask suffices.
    this.head = new HeadWatcher(() => this.changed("HEAD or a ref moved"));
    this.disposables.push(
      this.head,
      ctx.onDidChangeImpact(() => this.changed("the server said the impact may have changed")),
      ctx.onDidChangeState((state) => {
        if (state.kind !== "starting") this.changed(`the language server is ${state.kind}`);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed("the workspace is now trusted")),
    );
  }

  get state(): ImpactState {
    return this.stateValue;
  }

  /** Keeps the report fresh until the returned disposable is disposed; asks for it now. */
  want(): vscode.Disposable {
    this.wanted += 1;
    void this.refresh();
    return new vscode.Disposable(() => {
      this.wanted = Math.max(0, this.wanted - 1);
    });
  }

  /** Asks the server now (coalesced with a request in flight); resolves once the state reflects it. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.load().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  /** One page of the assets `change` impacts; rejects with the server's one line (an unknown change included). */
  downstream(change: string, page: ImpactPageParams): Promise<ImpactDownstreamPage> {
    return this.ask((client) => client.sendRequest(ImpactDownstreamRequest.type, { ...page, change }));
  }

  /** One page of the owners to tell. */
  owners(page: ImpactPageParams): Promise<ImpactOwnersPage> {
    return this.ask((client) => client.sendRequest(ImpactOwnersRequest.type, page));
  }

  /** The overlay of the changed and impacted keys among `keys` (what a graph draws). */
  highlights(keys: readonly string[]): Promise<ImpactHighlight[]> {
    return this.ask((client) => client.sendRequest(ImpactHighlightsRequest.type, { keys }));
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async ask<T>(send: (client: LanguageClient) => Promise<T>): Promise<T> {
    const state = this.ctx.state;
    if (state.kind !== "running") {
      throw new Error(`Assetline's language server ${state.kind === "starting" ? "is starting" : "is not running"}.`);
    }
    try {
      return await send(state.client);
    } catch (error) {
      throw new Error(requestFailure(error), { cause: error });
    }
  }

  private changed(why: string): void {
    if (this.wanted === 0) return;
    this.ctx.log.trace(`impact: asking again (${why})`);
    void this.refresh();
  }

  private async load(): Promise<void> {
    const root = this.ctx.workspaceRoot;
    // Found again each time: the repository may be created (git init) or moved after activation.
    if (root) this.head.watch(root);
    if (!this.ctx.trusted) return this.set({ kind: "unavailable", message: UNTRUSTED_MESSAGE, needsTrust: true });
    const state = this.ctx.state;
    if (state.kind !== "running") {
      const why = state.kind === "starting" ? "is starting" : `is not running (${state.reason})`;
      return this.set({ kind: "unavailable", message: `Assetline's language server ${why}.`, needsTrust: false });
    }
    if (this.stateValue.kind === "idle" || this.stateValue.kind === "unavailable") this.set({ kind: "loading" });
    try {
      const summary = await state.client.sendRequest(ImpactSummaryRequest.type, {});
      this.set({ kind: "summary", summary });
    } catch (error) {
      // An edit overtook the request: the summary shown stays until the answer to asking again.
      if (
        error instanceof ResponseError &&
        (error.code === LSPErrorCodes.ContentModified || error.code === LSPErrorCodes.RequestCancelled)
      ) {
        this.again = true;
        return;
      }
      const message = requestFailure(error);
      this.ctx.log.warn(`impact: ${message}`);
      this.set({ kind: "unavailable", message, needsTrust: false });
    }
  }

  private set(state: ImpactState): void {
    this.stateValue = state;
    this.emitter.fire(state);
  }
}

/** The server's one-line message; an engine too old to know the request is told as such. */
function requestFailure(error: unknown): string {
  if (error instanceof ResponseError && error.code === ErrorCodes.MethodNotFound) {
    return "The Assetline engine in use does not answer impact requests: it is older than this extension. Update the workspace's assetline package.";
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n", 1)[0]!;
}
