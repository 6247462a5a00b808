/**
 * Open documents: incremental text sync (vscode-languageserver's TextDocuments applies the
 * partial edits), mirrored into the analysis reader as unsaved buffers.
 */
import { type Connection, TextDocuments } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { isAnalysableFile } from "../analysis";
import type { AnalysisHost } from "./analysisHost";
import type { WorkspacePaths } from "./workspacePaths";
import type { WorkspaceReader } from "./workspaceReader";

export class OpenDocuments {
  private readonly documents = new TextDocuments(TextDocument);
  /** Workspace path → URI of the analysable documents that are open. */
  private readonly open = new Map<string, string>();

  constructor(
    private readonly paths: WorkspacePaths,
    private readonly reader: WorkspaceReader,
    private readonly host: AnalysisHost,
    /** Called when a document the disk listing does not know is opened (a new file, maybe). */
    private readonly onUnlistedFile: (file: string) => void,
  ) {
    this.documents.onDidChangeContent(({ document }) => this.update(document));
    this.documents.onDidClose(({ document }) => this.close(document.uri));
  }

  listen(connection: Connection): void {
    this.documents.listen(connection);
  }

  /** The open document at `uri`, if any (any language, analysable or not). */
  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  /** The version of the open document holding `file`, or undefined when it is not open. */
  versionOf(file: string): number | undefined {
    const uri = this.open.get(file);
    return uri === undefined ? undefined : this.documents.get(uri)?.version;
  }

  /** The workspace paths of the open analysable documents. */
  openFiles(): Iterable<string> {
    return this.open.keys();
  }

  /** The text the user sees: the open buffer, else the file on disk. */
  textOf(file: string): string | undefined {
    const uri = this.open.get(file);
    const document = uri === undefined ? undefined : this.documents.get(uri);
    return document ? document.getText() : this.reader.readFile(file);
  }

  private update(document: TextDocument): void {
    const file = this.paths.fileOf(document.uri);
    if (file === undefined || !isAnalysableFile(file)) return;
    if (!this.open.has(file)) {
      this.open.set(file, document.uri);
      this.paths.remember(document.uri, file);
    }
    this.reader.setBuffer(file, document.getText());
    if (!this.reader.isListed(file)) this.onUnlistedFile(file);
    this.host.changed([file]);
  }

  private close(uri: string): void {
    const file = this.paths.fileOf(uri);
    if (file === undefined || this.open.get(file) !== uri) return;
    this.open.delete(file);
    // Back to the disk's text: unsaved changes the user discarded must not stay analyzed.
    this.reader.clearBuffer(file);
    this.host.changed([file]);
  }
}
