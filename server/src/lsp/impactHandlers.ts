/**
 * The impact requests: the full report for CLI-like callers, and for the editor's views a
 * summary, pages of each change's downstream and of the owners, and the overlay of the keys a
 * graph draws. Each settles the analysis first (edits received before the request count); the
 * diff is computed once per snapshot and shared by all of them.
 */
import {
  type CancellationToken,
  ErrorCodes,
  type HandlerResult,
  type RequestType,
  ResponseError,
} from "vscode-languageserver";
import {
  ImpactDownstreamRequest,
  ImpactHighlightsRequest,
  ImpactOwnersRequest,
  type ImpactParams,
  ImpactRequest,
  ImpactSummaryRequest,
} from "../../../protocol";
import type { ImpactDigest } from "../model/impactDigest";
import type { WorkspaceContext } from "./context";
import { noWorkspace } from "./requests";

/** How handlers.ts registers a request: params checked against the method's shape first. */
export type RegisterRequest = <P, R>(
  type: RequestType<P, R, void>,
  handler: (params: P, token: CancellationToken) => HandlerResult<R, void>,
) => void;

export function registerImpactHandlers(on: RegisterRequest, current: () => WorkspaceContext | undefined): void {
  const digestOf = async (method: string, token: CancellationToken, params: ImpactParams): Promise<ImpactDigest> => {
    const context = current();
    if (!context) return noWorkspace();
    // Settled first (edits received before the request count), then git, which is asynchronous.
    const snapshot = await context.gate.run(method, token, undefined, (settled) => settled);
    return context.impact.digest(snapshot, params);
  };

  on(ImpactRequest.type, async (params, token) => (await digestOf("impact", token, params ?? {})).report);
  on(ImpactSummaryRequest.type, async (params, token) =>
    (await digestOf("impactSummary", token, params ?? {})).summary(),
  );
  on(ImpactDownstreamRequest.type, async (params, token) => {
    const digest = await digestOf("impactDownstream", token, { base: params.base });
    const page = digest.downstream(params.change, params.offset, params.limit);
    if (!page) {
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `${params.change} is not changed against ${digest.report.base.ref}: the impact changed since it was listed; ask for the summary again`,
      );
    }
    return page;
  });
  on(ImpactOwnersRequest.type, async (params, token) =>
    (await digestOf("impactOwners", token, { base: params?.base })).owners(params?.offset, params?.limit),
  );
  on(ImpactHighlightsRequest.type, async (params, token) =>
    (await digestOf("impactHighlights", token, { base: params.base })).highlights(params.keys),
  );
}
