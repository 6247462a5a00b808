import type {
  AnalysisDiagnostic,
  AssetDefinition,
  CheckDefinition,
  ResourceId,
} from "../model/definitions";
import { AssetGraph } from "../model/graph";
import { graphDiagnostics, producedResources } from "./diagnostics/graphDiagnostics";
import type { FileFacts } from "./facts";
import { HelperVersions } from "./link/helperVersions";
import { linkWorkspace } from "./link/linkWorkspace";
import { DEFAULT_SCAN_OPTIONS, type ScanOptions, scanFile } from "./scan/scanFile";
import { DiskReader, type SourceReader } from "./sourceReader";

/** One consistent view of the analysed workspace. Immutable: a new one per change. */
export interface AnalysisSnapshot {
  /** Every definition, sorted by key then file (duplicates included). */
  readonly assets: readonly AssetDefinition[];
  readonly checks: readonly CheckDefinition[];
  /** Every diagnostic, sorted by file, position and code. */
  readonly diagnostics: readonly AnalysisDiagnostic[];
  readonly files: readonly string[];
  readonly graph: AssetGraph;
  /** Assets and sources producing each table or file. */
  readonly producers: ReadonlyMap<ResourceId, readonly AssetDefinition[]>;
  /** Monotonic version, increasing with every re-analysis. */
  readonly version: number;
}

export interface WorkspaceAnalysisOptions extends ScanOptions {
  /**
   * When an edited file no longer parses, keep the facts of its last version that did
   * (the language server wants this while the user types; the CLI reports what is there).
   */
  readonly keepLastGoodOnSyntaxError: boolean;
}

/**
 * The analysis of a workspace, kept up to date file by file: an edit re-scans that file
 * only, then re-links the (small) facts of all files.
 */
export class WorkspaceAnalysis {
  private readonly facts = new Map<string, FileFacts>();
  private readonly helperVersions = new HelperVersions(() => this.facts);
  private readonly options: WorkspaceAnalysisOptions;
  private current: AnalysisSnapshot | undefined;
  private version = 0;

  constructor(
    readonly reader: SourceReader,
    options: Partial<WorkspaceAnalysisOptions> = {},
  ) {
    this.options = { ...DEFAULT_SCAN_OPTIONS, keepLastGoodOnSyntaxError: false, ...options };
  }

  /** Scans every file the reader lists and links them. */
  analyzeAll(): AnalysisSnapshot {
    this.facts.clear();
    for (const file of this.reader.listFiles()) this.scan(file);
    return this.relink();
  }

  /** Re-reads one file (created, changed or deleted) and re-links. */
  updateFile(file: string): AnalysisSnapshot {
    this.scan(file);
    return this.relink();
  }

  /** Re-reads several files, linking once. */
  updateFiles(files: Iterable<string>): AnalysisSnapshot {
    for (const file of files) this.scan(file);
    return this.relink();
  }

  /**
   * Scans files without linking, so a caller can slice a long first analysis (the language
   * server answers requests between slices), then link once with `updateFiles([])`.
   */
  scanFiles(files: Iterable<string>): void {
    for (const file of files) this.scan(file);
  }

  removeFile(file: string): AnalysisSnapshot {
    this.facts.delete(file);
    return this.relink();
  }

  get snapshot(): AnalysisSnapshot {
    return this.current ?? this.analyzeAll();
  }

  /** The facts of one file (for LSP features that need more than definitions). */
  factsOf(file: string): FileFacts | undefined {
    return this.facts.get(file);
  }

  private scan(file: string): void {
    const text = this.reader.readFile(file);
    if (text === undefined) {
      this.facts.delete(file);
      return;
    }
    const previous = this.facts.get(file);
    if (previous && previous.text === text && !previous.skipped) return;
    const scanned = scanFile(file, text, this.options);
    if (this.options.keepLastGoodOnSyntaxError && scanned.syntaxErrors > 0 && previous && previous.syntaxErrors === 0) {
      return;
    }
    this.facts.set(file, scanned);
  }

  private relink(): AnalysisSnapshot {
    const linked = linkWorkspace(this.facts, this.helperVersions);
    const assets = linked.assets.sort(byKeyThenFile);
    const graph = AssetGraph.fromDefinitions(assets, linked.checks);
    const definitionsByKey = new Map<string, AssetDefinition[]>();
    const producers = new Map<ResourceId, AssetDefinition[]>();
    for (const asset of assets) {
      const same = definitionsByKey.get(asset.key);
      if (same) same.push(asset);
      else definitionsByKey.set(asset.key, [asset]);
      for (const resource of producedResources(asset)) {
        const list = producers.get(resource);
        if (list) list.push(asset);
        else producers.set(resource, [asset]);
      }
    }
    const diagnostics = [
      ...linked.diagnostics,
      ...[...this.facts.values()].flatMap((facts) => facts.diagnostics),
      ...graphDiagnostics({ assets, checks: linked.checks, graph, definitionsByKey, producers, unresolvedTargets: linked.unresolvedTargets }),
    ].sort(byPosition);
    this.current = {
      assets,
      checks: linked.checks.sort((a, b) => compare(a.asset ?? "", b.asset ?? "") || compare(a.name, b.name)),
      diagnostics,
      files: [...this.facts.keys()].sort(),
      graph,
      producers,
      version: ++this.version,
    };
    return this.current;
  }
}

/** Analyses a folder on disk once (the CLI's entry point). */
export function analyzeDirectory(root: string, options: Partial<WorkspaceAnalysisOptions> = {}): AnalysisSnapshot {
  return new WorkspaceAnalysis(new DiskReader(root), options).analyzeAll();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byKeyThenFile(a: AssetDefinition, b: AssetDefinition): number {
  return compare(a.key, b.key) || compare(a.location.file, b.location.file) || a.location.range.start.line - b.location.range.start.line;
}

function byPosition(a: AnalysisDiagnostic, b: AnalysisDiagnostic): number {
  const left = a.location;
  const right = b.location;
  return (
    compare(left.file, right.file) ||
    left.range.start.line - right.range.start.line ||
    left.range.start.character - right.range.start.character ||
    compare(a.code, b.code)
  );
}
