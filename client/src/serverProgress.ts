/**
 * Shows the server's work-done progress (the first analysis of a big workspace) in Assetline's
 * own status bar item. vscode-languageclient would otherwise draw a second, separate progress
 * indicator; replacing its `window/workDoneProgress/create` handler keeps one place that says
 * what the server is doing.
 */
import {
  type BaseLanguageClient,
  type ClientCapabilities,
  type Disposable,
  type FeatureState,
  type ProgressToken,
  type StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from "vscode-languageclient/node";

export interface ServerProgress {
  readonly title: string;
  readonly message: string | undefined;
  readonly percentage: number | undefined;
}

export class ServerProgressFeature implements StaticFeature {
  private readonly active = new Map<string, { progress: ServerProgress; listener: Disposable }>();

  constructor(
    private readonly client: BaseLanguageClient,
    /** Called with the most recent progress still running, or undefined when none is. */
    private readonly onChange: (progress: ServerProgress | undefined) => void,
  ) {}

  getState(): FeatureState {
    return { kind: "static" };
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  /** Runs after the built-in features (registered later), so this handler replaces theirs. */
  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => this.track(token));
  }

  clear(): void {
    for (const { listener } of this.active.values()) listener.dispose();
    this.active.clear();
    this.onChange(undefined);
  }

  private track(token: ProgressToken): void {
    const id = String(token);
    const listener = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
      const entry = this.active.get(id);
      switch (value.kind) {
        case "begin":
          this.set(id, { title: value.title, message: value.message, percentage: value.percentage });
          break;
        case "report":
          if (entry)
            this.set(id, {
              title: entry.progress.title,
              message: value.message ?? entry.progress.message,
              percentage: value.percentage ?? entry.progress.percentage,
            });
          break;
        case "end":
          entry?.listener.dispose();
          this.active.delete(id);
          this.emit();
          break;
      }
    });
    this.active.set(id, { progress: { title: "", message: undefined, percentage: undefined }, listener });
  }

  private set(id: string, progress: ServerProgress): void {
    const entry = this.active.get(id);
    if (!entry) return;
    this.active.set(id, { progress, listener: entry.listener });
    this.emit();
  }

  private emit(): void {
    const running = [...this.active.values()]
      .map((entry) => entry.progress)
      .filter((progress) => progress.title !== "");
    this.onChange(running[running.length - 1]);
  }
}
