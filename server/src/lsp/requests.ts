/**
 * How every request is answered: on a snapshot that includes the edits received before it,
 * with LSP's cancellation and content-modified semantics, and never with an unexplained crash.
 */
import { type CancellationToken, LSPErrorCodes, ResponseError, ErrorCodes } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AnalysisHost } from "./analysisHost";
import type { OpenDocuments } from "./documents";

export class RequestGate {
  constructor(
    private readonly host: AnalysisHost,
    private readonly documents: OpenDocuments,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Runs `work` on a settled snapshot. Answers RequestCancelled when the client cancelled
   * meanwhile, and ContentModified when the document the request is about changed while it
   * waited (its positions no longer mean what the client meant).
   */
  async run<T>(
    method: string,
    token: CancellationToken,
    uri: string | undefined,
    work: (snapshot: AnalysisSnapshot) => T,
  ): Promise<T> {
    const version = uri === undefined ? undefined : this.documents.get(uri)?.version;
    const snapshot = await this.host.settled(token);
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${method} cancelled`);
    if (uri !== undefined && this.documents.get(uri)?.version !== version) {
      throw new ResponseError(
        LSPErrorCodes.ContentModified,
        `${method}: the document changed while the request waited; ask again`,
      );
    }
    try {
      return work(snapshot);
    } catch (error) {
      // A bug in one feature must cost one answer, not the session: say what failed, keep serving.
      this.log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (error instanceof ResponseError) throw error;
      throw new ResponseError(
        ErrorCodes.InternalError,
        `${method} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** The answer to a workspace request when the client opened no folder. */
export function noWorkspace(): never {
  throw new ResponseError(
    LSPErrorCodes.RequestFailed,
    "no workspace folder is open: Assetline runs the assets of a folder",
  );
}
