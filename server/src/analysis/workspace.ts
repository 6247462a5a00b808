import type { AnalysisDiagnostic, AssetDefinition, CheckDefinition, ResourceId } from "../model/definitions";
import { AssetGraph } from "../model/graph";
import type { FileFacts } from "./facts";
import { type LinkedWorkspace, WorkspaceLinker } from "./link/workspaceLinker";
import { DEFAULT_SCAN_OPTIONS, type ScanOptions, scanFile } from "./scan/scanFile";
import { type ScanJob, scanInThreads } from "./scan/scanPool";
import { unreadableFile } from "./scan/skippedFile";
import { DiskReader, type SourceReader } from "./sourceReader";

/** One consistent view of the analyzed workspace. Immutable: a new one per change. */
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
  /**
   * Threads for the files of a whole-workspace scan (`analyzeAll`), this one included; 1 scans
   * here only. The result is the same either way (scan/scanPool.ts).
   */
  readonly threads: number;
  /**
   * Facts another analysis with the same scan options already read from exactly `text` (facts
   * are a function of the path, the text and those options): the editor analyses the base
   * revision of impact beside the working tree, and most files are the same in both.
   */
  readonly sharedFacts?: (file: string, text: string) => FileFacts | undefined;
  /**
   * Edits follow the first analysis at once (impact's base side): its link then records what
   * each file's link reads as it goes, which costs less than tracing that at the first edit.
   */
  readonly editsFollow?: boolean;
}

/**
 * The analysis of a workspace, kept up to date file by file: an edit re-scans that file
 * only, then re-links what the edit can affect (see WorkspaceLinker).
 */
export class WorkspaceAnalysis {
  private readonly facts = new Map<string, FileFacts>();
  private readonly linker: WorkspaceLinker;
  /** Files whose facts were replaced, added or removed since the last link. */
  private readonly changed = new Set<string>();
  private readonly options: WorkspaceAnalysisOptions;
  private current: Snapshot | undefined;
  private version = 0;

  constructor(
    readonly reader: SourceReader,
    options: Partial<WorkspaceAnalysisOptions> = {},
  ) {
    this.options = { ...DEFAULT_SCAN_OPTIONS, keepLastGoodOnSyntaxError: false, threads: 1, ...options };
    this.linker = new WorkspaceLinker(this.facts, { trackFirstLink: this.options.editsFollow === true });
  }

  /** Scans every file the reader lists and links them. */
  analyzeAll(): AnalysisSnapshot {
    this.facts.clear();
    this.changed.clear();
    this.linker.reset();
    if (this.options.threads > 1) this.scanAllInThreads();
    else for (const file of this.reader.listFiles()) this.scan(file);
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
    if (this.facts.delete(file)) this.changed.add(file);
    return this.relink();
  }

  /**
   * Prepares for edits (an idle-time call after the first analysis, for the language server):
   * otherwise the first edit after a full analysis builds what edits need, once.
   */
  prepareForEdits(): void {
    this.linker.prepareForEdits();
  }

  get snapshot(): AnalysisSnapshot {
    return this.current ?? this.analyzeAll();
  }

  /** The facts of one file (for LSP features that need more than definitions). */
  factsOf(file: string): FileFacts | undefined {
    return this.facts.get(file);
  }

  /** `scan` of every listed file, the texts scanned on several threads; facts kept in the listing's order. */
  private scanAllInThreads(): void {
    const files = [...this.reader.listFiles()];
    const jobs: ScanJob[] = [];
    const jobOf = new Map<string, number>();
    const shared = new Map<string, FileFacts>();
    for (const file of files) {
      const text = this.reader.readFile(file);
      if (text === undefined) continue;
      const facts = this.options.sharedFacts?.(file, text);
      if (facts) shared.set(file, facts);
      else jobOf.set(file, jobs.push({ file, text }) - 1);
    }
    const scanned = scanInThreads(jobs, { maxFileBytes: this.options.maxFileBytes }, this.options.threads).facts;
    for (const file of files) {
      const job = jobOf.get(file);
      const facts = shared.get(file) ?? (job === undefined ? undefined : scanned[job]);
      // Not read above (gone or unreadable): scan() says which.
      if (facts === undefined) this.scan(file);
      else {
        this.facts.set(file, facts);
        this.changed.add(file);
      }
    }
  }

  private scan(file: string): void {
    const text = this.reader.readFile(file);
    if (text === undefined) {
      const reason = this.reader.unreadableReason?.(file);
      if (reason !== undefined) {
        // It is there but cannot be read: say so on the file rather than act as if it were gone.
        this.facts.set(file, unreadableFile(file, reason));
        this.changed.add(file);
      } else if (this.facts.delete(file)) this.changed.add(file);
      return;
    }
    const previous = this.facts.get(file);
    if (previous && previous.text === text && !previous.skipped) return;
    const scanned = this.options.sharedFacts?.(file, text) ?? scanFile(file, text, this.options);
    if (this.options.keepLastGoodOnSyntaxError && scanned.syntaxErrors > 0 && previous && previous.syntaxErrors === 0) {
      return;
    }
    this.facts.set(file, scanned);
    this.changed.add(file);
  }

  private relink(): AnalysisSnapshot {
    const linked = this.linker.link(this.changed);
    this.changed.clear();
    this.current = new Snapshot(linked, ++this.version, this.current);
    return this.current;
  }
}

/**
 * A snapshot whose graph and producer map are built on first use: the analysis itself does
 * not need them to stay up to date, and an edit should not pay for them when nobody asks.
 */
class Snapshot implements AnalysisSnapshot {
  readonly assets: readonly AssetDefinition[];
  readonly checks: readonly CheckDefinition[];
  readonly diagnostics: readonly AnalysisDiagnostic[];
  readonly files: readonly string[];
  private builtGraph: AssetGraph | undefined;
  private builtProducers: ReadonlyMap<ResourceId, readonly AssetDefinition[]> | undefined;
  private readonly producedResources: LinkedWorkspace["producedResources"];

  constructor(
    linked: LinkedWorkspace,
    readonly version: number,
    previous?: Snapshot,
  ) {
    this.assets = linked.assets;
    this.checks = linked.checks;
    this.diagnostics = linked.diagnostics;
    this.files = linked.files;
    this.builtGraph = linked.graph;
    this.producedResources = linked.producedResources;
    // The graph and producers depend on the definitions only: when no definition changed
    // (the lists are the very same), whatever the previous snapshot built still holds.
    if (previous && previous.assets === this.assets && previous.checks === this.checks) {
      this.builtGraph ??= previous.builtGraph;
      this.builtProducers = previous.builtProducers;
    }
  }

  get graph(): AssetGraph {
    this.builtGraph ??= AssetGraph.fromDefinitions(this.assets, this.checks);
    return this.builtGraph;
  }

  get producers(): ReadonlyMap<ResourceId, readonly AssetDefinition[]> {
    if (!this.builtProducers) {
      const producers = new Map<ResourceId, AssetDefinition[]>();
      for (const asset of this.assets) {
        for (const resource of this.producedResources(asset)) {
          const list = producers.get(resource);
          if (list) list.push(asset);
          else producers.set(resource, [asset]);
        }
      }
      this.builtProducers = producers;
    }
    return this.builtProducers;
  }
}

/** Analyzes a folder on disk once (the CLI's entry point). */
export function analyzeDirectory(root: string, options: Partial<WorkspaceAnalysisOptions> = {}): AnalysisSnapshot {
  return new WorkspaceAnalysis(new DiskReader(root), options).analyzeAll();
}
