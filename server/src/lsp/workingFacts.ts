/**
 * What the editor's analysis lends the other analyses of the server's process: impact's base
 * revision and the automation loop's view of the disk take its facts for every file they read
 * with the same text, instead of scanning it again.
 */
import type { AnalysisSnapshot, FileFacts, SourceReader, WorkspaceAnalysisOptions } from "../analysis";

/**
 * What another analysis in this process may take from the editor's (impact's base revision, the
 * automation loop's view of the disk): the facts read from a text, with the size limit they used.
 */
export interface WorkingFacts {
  readonly maxFileBytes: number;
  /**
   * Resolves once the first analysis's diagnostics are written to the client (or the host is
   * disposed: nothing is to start then). Other analyses wait for it: before, they would share the
   * thread (and the second core) with the diagnostics the user opened the workspace to see, and
   * find no facts to take.
   */
  readonly diagnosticsPublished: Promise<void>;
  factsReadFrom(file: string, text: string, maxFileBytes: number): FileFacts | undefined;
  /** The text the working analysis read `file` from, when it did so with the same size limit. */
  textRead(file: string, maxFileBytes: number): string | undefined;
  /**
   * The latest snapshot when it was analysed from exactly `reader`'s files and texts, with the
   * same size limit, and no edit waits: analysing them again would give the same answer (a
   * clean checkout's HEAD). Undefined otherwise.
   */
  snapshotAnalysedFrom(reader: SourceReader, maxFileBytes: number): AnalysisSnapshot | undefined;
}

/**
 * The `sharedFacts` option of an analysis scanning with `maxFileBytes` beside the editor's
 * (`working`); undefined without one.
 */
export function factsSharedBy(
  working: WorkingFacts | undefined,
  maxFileBytes: number,
): WorkspaceAnalysisOptions["sharedFacts"] {
  return working && ((file, text) => working.factsReadFrom(file, text, maxFileBytes));
}
