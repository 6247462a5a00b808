/**
 * Every custom LSP method of Assetline, declared once. Call sites import these constants;
 * the method strings appear nowhere else. Standard LSP covers the rest (diagnostics,
 * navigation, CodeLens, analysis progress through window/workDoneProgress).
 */
import { NotificationType, RequestType } from "vscode-languageserver-protocol";
import type { Location } from "vscode-languageserver-protocol";
import type { AssetDetails, AssetDetailsParams } from "./assetDetails";
import type {
  ImpactDownstreamPage,
  ImpactDownstreamParams,
  ImpactHighlightsParams,
  ImpactOwnersPage,
  ImpactPageParams,
  ImpactParams,
  ImpactReport,
  ImpactSummary,
} from "./impact";
import type { ImpactHighlight } from "./impactHighlight";
import type { LineageGraph, LineageParams } from "./lineage";
import type {
  CancelRunParams,
  CancelRunResult,
  MaterializeParams,
  RunChecksParams,
  RecentRunsParams,
  RunDetails,
  RunDetailsParams,
  RunSummary,
  RunEventParams,
  RunFinishedParams,
  RunStarted,
} from "./runs";
import type { AssetStatus } from "./status";

/** client → server: the graph, or the part of it a selection names, for the lineage panel. */
export namespace LineageRequest {
  export const method = "assetline/lineage" as const;
  export const type = new RequestType<LineageParams, LineageGraph, void>(method);
}

export interface GraphChangedParams {
  /** The analysis version the change was seen in. */
  readonly version: number;
}

/**
 * server → client: the lineage changed (keys, edges, groups, owners, kinds or where
 * definitions live). Edits that change none of these (a SQL body, a comment) do not send it,
 * so the panel re-asks only when the picture changed.
 */
export namespace GraphChangedNotification {
  export const method = "assetline/graphChanged" as const;
  export const type = new NotificationType<GraphChangedParams>(method);
}

export interface StatusChangedParams {
  /** Keys whose status may have changed; absent: any key. */
  readonly keys?: readonly string[];
  /** The newest run-history event the server has seen (0: none). */
  readonly lastEventId: number;
}

/**
 * server → client: run history changed (this editor, the CLI or another window wrote to
 * `.assetline/assetline.db`), or the store appeared or went away. The server also asks the
 * client to refresh CodeLenses; views showing status re-ask with StatusRequest.
 */
export namespace StatusChangedNotification {
  export const method = "assetline/statusChanged" as const;
  export const type = new NotificationType<StatusChangedParams>(method);
}

export interface StatusParams {
  /** Keys to report; all defined assets and sources when absent. */
  readonly keys?: readonly string[];
}

/** client → server: the current status of assets (status bar, run views). */
export namespace StatusRequest {
  export const method = "assetline/status" as const;
  export const type = new RequestType<StatusParams, AssetStatus[], void>(method);
}

export interface LocateAssetParams {
  /** An asset key in user form, or a table name an asset produces. */
  readonly key: string;
}

/**
 * client → server: where an asset is defined, for links pasted from alerts, run errors and
 * the lineage panel. Null when nothing defines it.
 */
export namespace LocateAssetRequest {
  export const method = "assetline/locateAsset" as const;
  export const type = new RequestType<LocateAssetParams, Location | null, void>(method);
}

/**
 * client → server: what the lineage panel's details show of one asset beyond the graph: its
 * columns and its recent runs. Null when nothing defines the key (a placeholder, a stale key).
 */
export namespace AssetDetailsRequest {
  export const method = "assetline/assetDetails" as const;
  export const type = new RequestType<AssetDetailsParams, AssetDetails | null, void>(method);
}

/**
 * client → server: materialize a selection (and its checks) with the local executor. Fails
 * with a message in the user's words when nothing can run (unknown key, unsaved files,
 * errors in the definitions). Progress arrives as RunEventNotification, the end as
 * RunFinishedNotification.
 */
export namespace MaterializeRequest {
  export const method = "assetline/materialize" as const;
  export const type = new RequestType<MaterializeParams, RunStarted, void>(method);
}

/** client → server: evaluate the checks of an asset (or one of them) without building it. */
export namespace RunChecksRequest {
  export const method = "assetline/runChecks" as const;
  export const type = new RequestType<RunChecksParams, RunStarted, void>(method);
}

/** client → server: cancel a run this server started; its worker process trees are killed. */
export namespace CancelRunRequest {
  export const method = "assetline/cancelRun" as const;
  export const type = new RequestType<CancelRunParams, CancelRunResult, void>(method);
}

/** server → client: one event of a run in progress (steps, logs, materializations, checks). */
export namespace RunEventNotification {
  export const method = "assetline/runEvent" as const;
  export const type = new NotificationType<RunEventParams>(method);
}

/** server → client: a run ended and is recorded. */
export namespace RunFinishedNotification {
  export const method = "assetline/runFinished" as const;
  export const type = new NotificationType<RunFinishedParams>(method);
}

/**
 * client → server: the impact of the open workspace (unsaved buffers included) against a git
 * revision, in full (the shape `assetline impact --format json` prints), for callers that want
 * every impacted asset at once; the editor's views use ImpactSummaryRequest and pages. Fails with a one-line message when git cannot answer (not a repository, unknown
 * revision, shallow clone without the base, git missing).
 */
export namespace ImpactRequest {
  export const method = "assetline/impact" as const;
  export const type = new RequestType<ImpactParams, ImpactReport, void>(method);
}

/**
 * client → server: the impact in counts (ImpactSummary), what the editor's views show first and
 * ask again after each ImpactChangedNotification. Its size depends on the changes, not on how
 * many assets they impact. Fails as ImpactRequest does.
 */
export namespace ImpactSummaryRequest {
  export const method = "assetline/impactSummary" as const;
  export const type = new RequestType<ImpactParams, ImpactSummary, void>(method);
}

/**
 * client → server: one page of the assets a change impacts, when the user expands the change.
 * InvalidParams, in one line, when the change is not (or no longer) one of the summary's.
 */
export namespace ImpactDownstreamRequest {
  export const method = "assetline/impactDownstream" as const;
  export const type = new RequestType<ImpactDownstreamParams, ImpactDownstreamPage, void>(method);
}

/** client → server: one page of the owners to tell, beyond the summary's first ones. */
export namespace ImpactOwnersRequest {
  export const method = "assetline/impactOwners" as const;
  export const type = new RequestType<ImpactPageParams, ImpactOwnersPage, void>(method);
}

/**
 * client → server: the impact overlay for the keys the lineage panel draws (changed and impacted
 * ones among them, with their tone), rather than for every impacted asset.
 */
export namespace ImpactHighlightsRequest {
  export const method = "assetline/impactHighlights" as const;
  export const type = new RequestType<ImpactHighlightsParams, ImpactHighlight[], void>(method);
}

export interface ImpactChangedParams {
  /** The analysis version the change was seen in. */
  readonly version: number;
}

/**
 * server → client: the impact may have changed (an edit, a save, HEAD moved). Sent once a burst
 * of edits pauses; views showing impact re-ask (ImpactSummaryRequest).
 */
export namespace ImpactChangedNotification {
  export const method = "assetline/impactChanged" as const;
  export const type = new NotificationType<ImpactChangedParams>(method);
}

/**
 * client → server: one run of the history with its events (the run document behind "Show
 * Run" and `…&run=ID` links). Null when the history has no such run.
 */
export namespace RunDetailsRequest {
  export const method = "assetline/runDetails" as const;
  export const type = new RequestType<RunDetailsParams, RunDetails | null, void>(method);
}

/** client → server: the newest runs of the history, whichever process ran them (status bar, run views). */
export namespace RecentRunsRequest {
  export const method = "assetline/recentRuns" as const;
  export const type = new RequestType<RecentRunsParams, RunSummary[], void>(method);
}
