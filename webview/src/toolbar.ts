/**
 * The scope controls: the selection box (the engine's selection syntax, evaluated by the
 * server), the upstream/downstream depth around the focused asset, "Show all", and the
 * follow-the-editor toggle. They only say what the user asked for; the host answers.
 */
import { DEFAULT_DEPTH, type LineageScope, MAX_DEPTH, scopeSelection } from "../../protocol/webview";

export interface ToolbarHandlers {
  readonly setScope: (scope: LineageScope) => void;
  readonly setFollow: (follow: boolean) => void;
  /** The asset the depth applies to when the scope is not a focus (the selected node, say). */
  readonly depthTarget: () => string | undefined;
}

export class Toolbar {
  private readonly selection = input("selection");
  private readonly upstream = input("upstream");
  private readonly downstream = input("downstream");
  private readonly follow = input("follow");
  private scope: LineageScope | undefined;

  constructor(private readonly handlers: ToolbarHandlers) {
    this.upstream.value = String(DEFAULT_DEPTH);
    this.downstream.value = String(DEFAULT_DEPTH);
    // The form never submits (the page would navigate); Enter in the box is the submission.
    (document.getElementById("scope") as HTMLFormElement).addEventListener("submit", (event) => event.preventDefault());
    this.selection.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const text = this.selection.value.trim();
      handlers.setScope(text === "" || text === "*" ? { kind: "all" } : { kind: "selection", text });
    });
    for (const field of [this.upstream, this.downstream]) field.addEventListener("change", () => this.depthChanged());
    document.getElementById("show-all")!.addEventListener("click", () => handlers.setScope({ kind: "all" }));
    this.follow.addEventListener("change", () => handlers.setFollow(this.follow.checked));
  }

  /** Shows what the host drew: the selection it evaluated, the depths, the follow state. */
  show(scope: LineageScope, follow: boolean): void {
    const changed =
      this.scope === undefined ||
      scopeSelection(this.scope) !== scopeSelection(scope) ||
      this.scope.kind !== scope.kind;
    this.scope = scope;
    // Never overwrite what the user is typing because a status update arrived.
    if (changed || document.activeElement !== this.selection)
      this.selection.value = scope.kind === "all" ? "" : scopeSelection(scope);
    if (scope.kind === "focus") {
      this.upstream.value = String(scope.upstream);
      this.downstream.value = String(scope.downstream);
    }
    this.follow.checked = follow;
    this.refreshDepthState();
  }

  /** The depths the fields hold now, clamped to what a message may carry. */
  depths(): { upstream: number; downstream: number } {
    return { upstream: depthOf(this.upstream.value), downstream: depthOf(this.downstream.value) };
  }

  refreshDepthState(): void {
    const target = this.scope?.kind === "focus" ? this.scope.key : this.handlers.depthTarget();
    const why =
      target === undefined ? "Select an asset first: the depth counts levels around it" : `Levels around ${target}`;
    for (const field of [this.upstream, this.downstream]) {
      field.disabled = target === undefined;
      field.title = why;
    }
  }

  private depthChanged(): void {
    const key = this.scope?.kind === "focus" ? this.scope.key : this.handlers.depthTarget();
    if (key === undefined) return;
    const { upstream, downstream } = this.depths();
    this.upstream.value = String(upstream);
    this.downstream.value = String(downstream);
    this.handlers.setScope({ kind: "focus", key, upstream, downstream });
  }
}

function depthOf(value: string): number {
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? Math.min(MAX_DEPTH, Math.max(0, parsed)) : DEFAULT_DEPTH;
}

function input(id: string): HTMLInputElement {
  return document.getElementById(id) as HTMLInputElement;
}
