/**
 * Document URIs ↔ the analysis's workspace-relative posix paths, and model locations ↔ LSP
 * locations. The analysis speaks paths; the protocol speaks URIs; only this class converts.
 */
import { isAbsolute, join, relative, sep } from "node:path";
import type { Location } from "vscode-languageserver";
import { URI } from "vscode-uri";
import type { SourceLocation } from "../model/definitions";
import { toRange } from "./uris";

export class WorkspacePaths {
  /**
   * URIs exactly as the client spelled them for documents it opened (kept after closing):
   * clients differ in how they encode paths (VS Code escapes ":" in drive letters, Neovim
   * does not), and a diagnostic published under another spelling would not reach the editor.
   */
  private readonly clientUris = new Map<string, string>();

  constructor(readonly root: string) {}

  /** The workspace path of a file: URI, or undefined when it is outside the workspace or not a file. */
  fileOf(uri: string): string | undefined {
    let parsed: URI;
    try {
      parsed = URI.parse(uri);
    } catch {
      return undefined;
    }
    if (parsed.scheme !== "file") return undefined;
    const path = relative(this.root, parsed.fsPath);
    if (path === "" || path.startsWith("..") || isAbsolute(path)) return undefined;
    return path.split(sep).join("/");
  }

  /** The URI of a workspace file, in the client's spelling when it opened the file. */
  uriOf(file: string): string {
    return this.clientUris.get(file) ?? URI.file(join(this.root, file)).toString();
  }

  /** Remembers how the client spells an open document's URI. */
  remember(uri: string, file: string): void {
    this.clientUris.set(file, uri);
  }

  toLocation(location: SourceLocation): Location {
    return { uri: this.uriOf(location.file), range: toRange(location.range) };
  }
}
