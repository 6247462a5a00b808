import { isAnalysableFile, type SourceReader } from "../sourceReader";
import { type AnalysisSnapshot, WorkspaceAnalysis, type WorkspaceAnalysisOptions } from "../workspace";
import { GitRevisionReader } from "./gitRevisionReader";
import { workingChanges } from "./repository";

/** The workspace analysed twice: as it is (the working side) and as it was at a revision (the base side). */
export interface RevisionComparison {
  /** The revision as the user wrote it, and the commit it names. */
  readonly ref: string;
  readonly commit: string;
  readonly base: AnalysisSnapshot;
  readonly working: AnalysisSnapshot;
  /** Workspace files whose content differs between the sides (added and deleted included), sorted. */
  readonly changedFiles: readonly string[];
  /** A file's text on each side (undefined where it does not exist). */
  baseText(file: string): string | undefined;
  workingText(file: string): string | undefined;
}

export interface ComparisonOptions extends Partial<WorkspaceAnalysisOptions> {
  /** Files that differ from disk too (the language server's unsaved buffers). */
  readonly alsoChanged?: Iterable<string>;
}

/**
 * Analyses `working` and the same workspace at `ref`. The base side is not analysed from
 * scratch: files git reports unchanged have the very same text on both sides, so the working
 * side's facts serve it and only the changed files are read from git, scanned and re-linked.
 */
export async function compareWithRevision(
  working: SourceReader,
  ref: string,
  options: ComparisonOptions = {},
): Promise<RevisionComparison> {
  const revision = await GitRevisionReader.open(working.root, ref);
  try {
    const git = workingChanges(working.root, revision.commit);
    // Files git ignores are on neither side, whichever .gitignore (above the workspace too) says so.
    const visible = new Set(git.visible);
    for (const path of options.alsoChanged ?? []) visible.add(path);
    const workingFiles = working.listFiles().filter((file) => visible.has(file));
    const changed = new Set<string>();
    for (const path of git.changed) if (isAnalysableFile(path)) changed.add(path);
    for (const path of options.alsoChanged ?? []) changed.add(path);
    // A file on one side only is a change even where git would not say so (ignored on one side).
    const baseFiles = new Set(revision.listFiles());
    for (const file of workingFiles) if (!baseFiles.has(file)) changed.add(file);
    const inWorking = new Set(workingFiles);
    for (const file of baseFiles) if (!inWorking.has(file)) changed.add(file);
    await revision.load([...changed]);

    const sides = new SideReader(working, workingFiles, revision, changed);
    // The base side is an edit of the working one, made at once.
    const analysis = new WorkspaceAnalysis(sides, { ...options, editsFollow: true });
    const workingSnapshot = analysis.analyzeAll();
    sides.side = "base";
    const baseSnapshot = analysis.updateFiles(changed);
    return {
      ref,
      commit: revision.commit,
      base: baseSnapshot,
      working: workingSnapshot,
      changedFiles: [...changed].sort(),
      baseText: (file) => sides.read("base", file),
      workingText: (file) => sides.read("working", file),
    };
  } finally {
    revision.close();
  }
}

/** Either side of the comparison; the base side reads changed files from git and the rest from the working side. */
class SideReader implements SourceReader {
  side: "working" | "base" = "working";

  constructor(
    private readonly working: SourceReader,
    private readonly workingFiles: readonly string[],
    private readonly revision: GitRevisionReader,
    private readonly changed: ReadonlySet<string>,
  ) {}

  get root(): string {
    return this.working.root;
  }

  listFiles(): string[] {
    return this.side === "working" ? this.workingFiles.slice() : this.revision.listFiles();
  }

  readFile(file: string): string | undefined {
    return this.read(this.side, file);
  }

  read(side: "working" | "base", file: string): string | undefined {
    if (side === "working" || !this.changed.has(file)) return this.working.readFile(file);
    return this.revision.readFile(file);
  }
}
