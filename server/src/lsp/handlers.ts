/**
 * The request handlers: each maps an LSP request to a feature function, through the gate
 * that settles the analysis and applies cancellation and content-modified semantics.
 */
import {
  type CancellationToken,
  CodeActionRequest,
  CodeLensRefreshRequest,
  CodeLensRequest,
  CompletionRequest,
  type Connection,
  DefinitionRequest,
  DocumentSymbolRequest,
  type HandlerResult,
  HoverRequest,
  ReferencesRequest,
  type RequestType,
  type TextDocumentIdentifier,
  WorkspaceSymbolRequest,
} from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import {
  AssetDetailsRequest,
  CancelRunRequest,
  ImpactChangedNotification,
  type LineageGraph,
  LineageRequest,
  LocateAssetRequest,
  MaterializeRequest,
  RunChecksRequest,
  RecentRunsRequest,
  RunDetailsRequest,
  StatusRequest,
} from "../../../protocol";
import { recentRuns, runDetails } from "./runHistory";
import { assetDetails } from "./assetDetails";
import { codeActions } from "./codeActions";
import { codeLenses } from "./codeLens";
import { completeAt, worthParsing } from "./completion";
import type { WorkspaceContext } from "./context";
import { hoverAt } from "./hover";
import { registerImpactHandlers } from "./impactHandlers";
import { impactLenses } from "./impactLens";
import { lineageGraph, locateAsset } from "./lineage";
import { checkedParams } from "./params";
import { noWorkspace } from "./requests";
import { definitionAt, referencesAt } from "./navigation";
import { statuses } from "./statusRequest";
import { documentSymbols, flatDocumentSymbols, workspaceSymbols } from "./symbols";

/** Registers every request handler; `current` is undefined until the workspace is known. */
export function registerHandlers(connection: Connection, current: () => WorkspaceContext | undefined): void {
  /** Answers null (nothing here) without a workspace or for documents outside it. */
  const inDocument = <T>(
    method: string,
    document: TextDocumentIdentifier,
    token: CancellationToken,
    work: (context: WorkspaceContext, snapshot: AnalysisSnapshot, file: string) => T,
  ) => {
    const context = current();
    const file = context?.paths.fileOf(document.uri);
    if (!context || file === undefined) return null;
    return context.gate.run(method, token, document.uri, (snapshot) => work(context, snapshot, file));
  };
  const inWorkspace = <T>(
    method: string,
    token: CancellationToken,
    work: (context: WorkspaceContext, snapshot: AnalysisSnapshot) => T,
    fallback: () => T,
  ) => {
    const context = current();
    if (!context) return fallback();
    return context.gate.run(method, token, undefined, (snapshot) => work(context, snapshot));
  };

  /** Every request goes through here: params are checked (InvalidParams otherwise) before the handler runs. */
  const on = <P, R>(
    type: RequestType<P, R, void>,
    handler: (params: P, token: CancellationToken) => HandlerResult<R, void>,
  ) =>
    connection.onRequest(type, (params: P, token: CancellationToken) =>
      handler(checkedParams<P>(type.method, params), token),
    );

  on(DefinitionRequest.type, (params, token) =>
    inDocument("definition", params.textDocument, token, (context, snapshot, file) =>
      definitionAt(snapshot, context.paths, file, params.position, context.support.definitionLinks),
    ),
  );
  on(ReferencesRequest.type, (params, token) =>
    inDocument("references", params.textDocument, token, (context, snapshot, file) =>
      referencesAt(snapshot, context.paths, file, params.position, params.context.includeDeclaration),
    ),
  );
  on(HoverRequest.type, (params, token) =>
    inDocument("hover", params.textDocument, token, (context, snapshot, file) =>
      hoverAt(snapshot, context.status, file, params.position),
    ),
  );
  on(DocumentSymbolRequest.type, (params, token) =>
    inDocument("documentSymbol", params.textDocument, token, (context, snapshot, file) =>
      context.support.hierarchicalSymbols
        ? documentSymbols(snapshot, file)
        : flatDocumentSymbols(snapshot, file, context.paths),
    ),
  );
  on(WorkspaceSymbolRequest.type, (params, token) =>
    inWorkspace(
      "workspaceSymbol",
      token,
      (context, snapshot) => workspaceSymbols(snapshot, context.paths, params.query),
      () => [],
    ),
  );
  on(CodeLensRequest.type, async (params, token) => {
    const context = current();
    if (!context || !(await context.settings.get()).codeLens.enabled) return [];
    return inDocument("codeLens", params.textDocument, token, (_, snapshot, file) => {
      const lenses = codeLenses(snapshot, context.status, file, context.runs.canRun);
      const impact = context.impact.reportIfReady(snapshot, () => {
        // The base revision is analysed now: hints can show, and impact views should re-ask.
        if (context.support.codeLensRefresh)
          void context.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
        void context.connection.sendNotification(ImpactChangedNotification.type, { version: snapshot.version });
      });
      return impact ? [...lenses, ...impactLenses(impact, snapshot, file)] : lenses;
    });
  });
  on(CodeActionRequest.type, (params, token) =>
    inDocument("codeAction", params.textDocument, token, (context, snapshot, file) => {
      const text = context.documents.textOf(file);
      if (text === undefined) return null;
      return codeActions({
        snapshot,
        paths: context.paths,
        file,
        text,
        range: params.range,
        only: params.context.only,
      });
    }),
  );
  on(CompletionRequest.type, async (params, token) => {
    const context = current();
    const document = context?.documents.get(params.textDocument.uri);
    if (!context || !document) return null;
    const line = document.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
    if (!worthParsing(line, params.context?.triggerCharacter)) return null;
    const maxBytes = (await context.settings.get()).analysis.maxFileKilobytes * 1024;
    return inDocument("completion", params.textDocument, token, (_, snapshot, file) =>
      completeAt({ snapshot, file, text: document.getText(), position: params.position, maxBytes }),
    );
  });

  on(LineageRequest.type, (params, token) =>
    inWorkspace(
      "lineage",
      token,
      (context, snapshot) => lineageGraph(snapshot, context.status, context.paths, params ?? {}),
      emptyLineage,
    ),
  );
  // The details read the history the status board holds (SQLite or PostgreSQL), asynchronously.
  on(
    AssetDetailsRequest.type,
    async (params, token) =>
      await inWorkspace(
        "assetDetails",
        token,
        async (context, snapshot) =>
          assetDetails(snapshot, await context.status.reader(), params, (key) =>
            context.status.forecastOf(snapshot, key),
          ),
        async () => null,
      ),
  );
  on(StatusRequest.type, (params, token) =>
    inWorkspace(
      "status",
      token,
      (context, snapshot) => statuses(snapshot, context.status, params?.keys),
      () => [],
    ),
  );
  on(LocateAssetRequest.type, (params, token) =>
    inWorkspace(
      "locateAsset",
      token,
      (context, snapshot) => locateAsset(snapshot, context.paths, params.key),
      () => null,
    ),
  );
  // Awaited twice over: the gate settles the analysis, then the run's history must open.
  on(
    MaterializeRequest.type,
    async (params, token) =>
      await inWorkspace(
        "materialize",
        token,
        (context, snapshot) => context.runs.materialize(snapshot, params),
        async () => noWorkspace(),
      ),
  );
  on(
    RunChecksRequest.type,
    async (params, token) =>
      await inWorkspace(
        "runChecks",
        token,
        (context, snapshot) => context.runs.runChecks(snapshot, params),
        async () => noWorkspace(),
      ),
  );
  registerImpactHandlers(on, current);
  on(RunDetailsRequest.type, async (params) => {
    const context = current();
    return context ? runDetails(await context.status.reader(), context.paths.root, params.runId) : null;
  });
  on(RecentRunsRequest.type, async (params) => {
    const context = current();
    return context ? recentRuns(await context.status.reader(), params?.limit ?? 20) : [];
  });
  on(CancelRunRequest.type, (params) => current()?.runs.cancel(params) ?? { cancelled: false });
}

function emptyLineage(): LineageGraph {
  return { version: 0, nodes: [], edges: [], cycles: [], unmatched: [], error: "no workspace folder is open" };
}
