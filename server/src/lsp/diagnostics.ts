/**
 * Publishes the analysis's diagnostics (AL001–AL010) as LSP diagnostics: only for files
 * whose diagnostics changed, an empty list for files that no longer have any, and never for
 * a snapshot that newer edits have already made stale.
 */
import {
  type Connection,
  type Diagnostic,
  DiagnosticSeverity,
  type DiagnosticRelatedInformation,
} from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AnalysisDiagnostic, Severity } from "../model/definitions";
import { toRange } from "./uris";
import type { WorkspacePaths } from "./workspacePaths";

/** The `source` every Assetline diagnostic carries, so users can filter the Problems panel. */
export const DIAGNOSTIC_SOURCE = "assetline";

const SEVERITIES: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** One analysis diagnostic in LSP form; `data` carries what the quick fixes need. */
export function toLspDiagnostic(
  diagnostic: AnalysisDiagnostic,
  paths: WorkspacePaths,
  withRelated: boolean,
): Diagnostic {
  const lsp: Diagnostic = {
    range: toRange(diagnostic.location.range),
    severity: SEVERITIES[diagnostic.severity],
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
  };
  if (diagnostic.related.length > 0) {
    if (withRelated) {
      lsp.relatedInformation = diagnostic.related.map((related): DiagnosticRelatedInformation => ({
        location: paths.toLocation(related.location),
        message: related.message,
      }));
    } else {
      // Clients without related information still get the facts, in the message.
      lsp.message += diagnostic.related
        .map((related) => `\n${related.message} (${related.location.file}:${related.location.range.start.line + 1})`)
        .join("");
    }
  }
  if (diagnostic.data !== undefined) lsp.data = diagnostic.data;
  return lsp;
}

interface Published {
  readonly fingerprint: string;
  readonly version: number | undefined;
}

export interface PublisherOptions {
  readonly connection: Connection;
  readonly paths: WorkspacePaths;
  /** The open document's version, or undefined when the file is not open. */
  readonly versionOf: (file: string) => number | undefined;
  /** Workspace paths of the open documents. */
  readonly openFiles: () => Iterable<string>;
  /** True while newer edits wait to be analyzed. */
  readonly isStale: () => boolean;
  readonly relatedInformation: boolean;
}

export class DiagnosticsPublisher {
  private readonly published = new Map<string, Published>();
  private pending: AnalysisSnapshot | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: PublisherOptions) {}

  /**
   * Publishes after the messages already queued are handled: if they hold more edits, this
   * snapshot is stale and the next analysis publishes instead (users never see diagnostics
   * flicker through intermediate states).
   */
  schedule(snapshot: AnalysisSnapshot): void {
    const alreadyScheduled = this.pending !== undefined;
    this.pending = snapshot;
    if (alreadyScheduled) return;
    this.writing = new Promise<void>((resolve) =>
      setImmediate(() => {
        const latest = this.pending!;
        this.pending = undefined;
        if (this.options.isStale()) return resolve();
        try {
          void this.publish(latest).finally(resolve);
        } catch (error) {
          // Whatever waits for this publication must not wait forever for one that failed.
          resolve();
          throw error;
        }
      }),
    );
  }

  /**
   * Resolves once the publication scheduled last has been written to the client (or skipped as
   * stale): work that diagnostics do not need waits for this after the first analysis.
   */
  written(): Promise<void> {
    return this.writing;
  }

  /**
   * Sends what changed since the last publication, the open documents' first (they are what the
   * user looks at); resolves once every notification is written to the transport.
   */
  publish(snapshot: AnalysisSnapshot): Promise<void> {
    const { connection, paths, versionOf } = this.options;
    const byFile = new Map<string, Diagnostic[]>();
    for (const diagnostic of snapshot.diagnostics) {
      const file = diagnostic.location.file;
      let list = byFile.get(file);
      if (!list) byFile.set(file, (list = []));
      list.push(toLspDiagnostic(diagnostic, paths, this.options.relatedInformation));
    }
    const files = new Set([...this.options.openFiles(), ...byFile.keys(), ...this.published.keys()]);
    const sent: Promise<void>[] = [];
    for (const file of files) {
      const diagnostics = byFile.get(file) ?? [];
      const fingerprint = diagnostics.length === 0 ? "[]" : JSON.stringify(diagnostics);
      const version = versionOf(file);
      const previous = this.published.get(file);
      // An open document is re-published for every new version even when nothing changed:
      // the version tells the client these diagnostics describe the text it shows now.
      const unchanged = previous
        ? previous.fingerprint === fingerprint && previous.version === version
        : fingerprint === "[]" && version === undefined;
      if (unchanged) continue;
      if (fingerprint === "[]" && version === undefined) this.published.delete(file);
      else this.published.set(file, { fingerprint, version });
      // A connection that fails to write is closing: nothing is waiting for these.
      sent.push(connection.sendDiagnostics({ uri: paths.uriOf(file), version, diagnostics }).catch(() => undefined));
    }
    return Promise.all(sent).then(() => undefined);
  }
}
