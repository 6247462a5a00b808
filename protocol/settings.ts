/**
 * The `assetline.*` settings, typed once for the client and the server. Values arrive from
 * user JSON, so `readSettings` validates every field and falls back to the default rather
 * than trusting the shape.
 */

export interface AssetlineSettings {
  readonly analysis: {
    /** Extra wait after an edit before re-analysing (0: as soon as the edits stop arriving). */
    readonly debounceMs: number;
    /** Files larger than this are reported (AL007) and not analysed. */
    readonly maxFileKilobytes: number;
  };
  readonly status: {
    /** How often the run history is polled for writes by other processes (CLI, other windows). */
    readonly pollIntervalMs: number;
  };
  readonly codeLens: {
    readonly enabled: boolean;
  };
  readonly automation: {
    /**
     * Run the automation loop (`assetline automate`'s) inside the server: only in a trusted
     * workspace with the SQLite history, and only while no other process holds the workspace's loop.
     */
    readonly enabled: boolean;
    /** Seconds between ticks (`--tick`). */
    readonly tickSeconds: number;
  };
  readonly server: {
    /** An `assetline` engine to run instead of the workspace's (client-side; empty: auto). */
    readonly path: string;
    /** The Node executable that runs the engine (client-side; empty: `node` on PATH). */
    readonly nodePath: string;
  };
}

/** The section the server asks for with workspace/configuration. */
export const SETTINGS_SECTION = "assetline";

export const DEFAULT_SETTINGS: AssetlineSettings = {
  analysis: { debounceMs: 0, maxFileKilobytes: 2048 },
  status: { pollIntervalMs: 1000 },
  codeLens: { enabled: true },
  automation: { enabled: false, tickSeconds: 30 },
  server: { path: "", nodePath: "" },
};

/**
 * What a client sends as `initializationOptions`. Every field is optional: a client that sends
 * nothing gets the defaults and a trusted workspace (the CLI's and other editors' behaviour).
 */
export interface InitializationOptions {
  /** The `assetline` section, for clients that cannot answer workspace/configuration. */
  readonly settings?: unknown;
  /**
   * False when the user has not trusted the workspace (VS Code's restricted mode): the server
   * keeps to static analysis and refuses to execute the workspace's code (materialize, run
   * checks) with a message saying why. Absent: trusted (clients without a trust model); any
   * value other than `true` is untrusted.
   */
  readonly workspaceTrusted?: boolean;
}

/** Settings whose change only takes effect after the client restarts the server. */
export const SETTINGS_NEEDING_RESTART: readonly string[] = ["assetline.server.path", "assetline.server.nodePath"];

/** Validates an untrusted `assetline` settings object; anything missing or malformed gets its default. */
export function readSettings(raw: unknown): AssetlineSettings {
  const root = record(raw);
  const analysis = record(root.analysis);
  const status = record(root.status);
  const codeLens = record(root.codeLens);
  const automation = record(root.automation);
  const server = record(root.server);
  const defaults = DEFAULT_SETTINGS;
  return {
    analysis: {
      debounceMs: whole(analysis.debounceMs, 0, 5000, defaults.analysis.debounceMs),
      maxFileKilobytes: whole(analysis.maxFileKilobytes, 16, 1024 * 1024, defaults.analysis.maxFileKilobytes),
    },
    status: { pollIntervalMs: whole(status.pollIntervalMs, 100, 600_000, defaults.status.pollIntervalMs) },
    codeLens: { enabled: typeof codeLens.enabled === "boolean" ? codeLens.enabled : defaults.codeLens.enabled },
    automation: {
      // Only `true` turns it on: it runs the workspace's code unattended.
      enabled: automation.enabled === true,
      tickSeconds: bounded(automation.tickSeconds, 0.1, 3600, defaults.automation.tickSeconds),
    },
    server: {
      path: typeof server.path === "string" ? server.path : defaults.server.path,
      nodePath: typeof server.nodePath === "string" ? server.nodePath : defaults.server.nodePath,
    },
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function whole(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value)
    ? bounded(Math.round(value), min, max, fallback)
    : fallback;
}

function bounded(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
