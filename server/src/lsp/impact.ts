/**
 * Impact analysis in the editor: the open workspace (unsaved buffers included) against a git
 * revision. The base side is analysed once per base commit and kept; each answer re-diffs the
 * current snapshot against it, which costs a pass over the definitions, not an analysis.
 */
import { ErrorCodes, LSPErrorCodes, ResponseError } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import {
  GitError,
  GitRevisionReader,
  headState,
  openRepository,
  resolveCommit,
  type GitRepository,
} from "../analysis/git";
import { codeChanged } from "../analysis/impact/codeChanges";
import { sameOnceRenamed } from "../analysis/impact/renames";
import { DEFAULT_SCAN_OPTIONS } from "../analysis/scan/scanFile";
import { WorkspaceAnalysis } from "../analysis/workspace";
import type { AssetDefinition } from "../model/definitions";
import { analyzeImpact, ImpactMemo, SideIndex } from "../model/impact";
import { ImpactDigest } from "../model/impactDigest";
import { selectImpact } from "../model/impactSelection";
import { parseSelection, type Selection } from "../model/selection";
import { factsSharedBy, type WorkingFacts } from "./workingFacts";
import { RevisionTexts } from "./revisionTexts";
import type { ImpactParams, ImpactReport } from "../../../protocol";

interface BaseSide {
  readonly commit: string;
  /** Its texts: answers read a changed definition's file as it was. */
  readonly reader: RevisionTexts;
  readonly snapshot: AnalysisSnapshot;
  readonly index: SideIndex;
  /** What answers against this base keep between edits (see analyzeImpact). */
  readonly memo: ImpactMemo;
  /** Whether a working definition's code changed against its base definition, by object. */
  readonly codeVerdicts: WeakMap<AssetDefinition, { readonly before: AssetDefinition; readonly changed: boolean }>;
}

/**
 * Why an untrusted workspace gets no impact: git would run in its repository, and a repository's
 * config can name programs git runs. The CLI neutralises the known ones (gitCommand.ts); the
 * editor's restricted mode promises more, that nothing of the workspace's choosing runs at all.
 */
export const UNTRUSTED_IMPACT =
  "this workspace is not trusted, so Assetline does not run git in it (a repository's own git config can make git run programs); trust the workspace to see the impact of your changes";

/**
 * How long a resolved revision other than HEAD's own (`main`, `origin/main`, a tag) is kept
 * before git is asked again; revisions relative to HEAD are kept exactly as long as HEAD stays.
 */
const REVISION_TTL_MS = 1500;

export class ImpactService {
  private repository: GitRepository | undefined;
  private readonly revisions = new Map<string, { commit: string; at: number; head: string }>();
  private base: BaseSide | undefined;
  private loading: Promise<BaseSide> | undefined;
  private last: { snapshot: AnalysisSnapshot; ref: string; commit: string; digest: ImpactDigest } | undefined;

  constructor(
    private readonly root: string,
    private readonly workingText: (file: string) => string | undefined,
    private readonly log: (message: string) => void,
    /** False in an untrusted workspace (the client said so): git is never run. */
    private readonly trusted = true,
    /** The working tree's analysis, whose facts the base takes for every file HEAD has unchanged. */
    private readonly working?: WorkingFacts,
  ) {}

  /** The report for `snapshot`; a ResponseError in the user's words when git cannot answer. */
  async report(snapshot: AnalysisSnapshot, params: ImpactParams = {}): Promise<ImpactReport> {
    return (await this.digest(snapshot, params)).report;
  }

  /**
   * The report for `snapshot` with what the editor's views read of it (summary, pages, overlay),
   * kept until the next snapshot; a ResponseError in the user's words when git cannot answer.
   */
  async digest(snapshot: AnalysisSnapshot, params: ImpactParams = {}): Promise<ImpactDigest> {
    if (!this.trusted) throw new ResponseError(LSPErrorCodes.RequestFailed, UNTRUSTED_IMPACT, { kind: "untrusted" });
    const ref = params.base ?? "HEAD";
    const selection = parseImpactSelection(params.selection);
    try {
      const commit = this.commitOf(ref);
      const base = this.base?.commit === commit ? this.base : await this.loadBase(ref, commit);
      const digest = this.diff(snapshot, ref, base);
      return selection
        ? new ImpactDigest(selectImpact(digest.report, selection, [snapshot.graph, base.snapshot.graph]))
        : digest;
    } catch (error) {
      if (error instanceof GitError) throw new ResponseError(ErrorCodes.InvalidRequest, error.message);
      throw error;
    }
  }

  /**
   * The report for `snapshot` against HEAD if the base is already analysed (CodeLenses cannot
   * wait for a first base analysis); undefined otherwise, and the base is prepared meanwhile.
   */
  reportIfReady(snapshot: AnalysisSnapshot, onReady: () => void): ImpactDigest | undefined {
    if (!this.trusted) return undefined;
    try {
      const commit = this.commitOf("HEAD");
      if (this.base?.commit === commit) return this.diff(snapshot, "HEAD", this.base);
      if (!this.loading) {
        this.loadBase("HEAD", commit).then(onReady, (error: unknown) =>
          this.log(`impact: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    } catch (error) {
      // Not a git repository, or no commit yet: no impact hints, and nothing to report.
      if (!(error instanceof GitError)) throw error;
    }
    return undefined;
  }

  /** True once a base revision is analysed: answers are then cheap, and worth announcing. */
  get ready(): boolean {
    return this.base !== undefined;
  }

  dispose(): void {
    // git's process ended with each base's load; the texts go with the service.
    this.base = undefined;
  }

  private diff(snapshot: AnalysisSnapshot, ref: string, base: BaseSide): ImpactDigest {
    const last = this.last;
    if (last && last.snapshot === snapshot && last.commit === base.commit && last.ref === ref) return last.digest;
    const analysis = analyzeImpact(
      {
        base: base.snapshot,
        working: snapshot,
        sameOnceRenamed: (removed, added) =>
          sameOnceRenamed(
            removed,
            base.reader.readFile(removed.location.file),
            added,
            this.workingText(added.location.file),
          ),
        codeChanged: (before, after) => {
          if (before.codeVersion === after.codeVersion && before.kind === after.kind) return false;
          // A definition is a new object when its file changed: other changed assets keep their verdict.
          const known = base.codeVerdicts.get(after);
          if (known?.before === before) return known.changed;
          const changed = codeChanged(
            before,
            () => base.reader.readFile(before.location.file),
            after,
            () => this.workingText(after.location.file),
          );
          base.codeVerdicts.set(after, { before, changed });
          return changed;
        },
      },
      base.index,
      base.memo,
    );
    // A keystroke that moves no impact keeps the walk, and the digest its counts.
    const previous = last?.commit === base.commit && last.ref === ref ? last.digest : undefined;
    const digest = new ImpactDigest(
      { base: { ref, commit: base.commit }, ...analysis },
      base.memo.walk?.reached,
      previous,
    );
    this.last = { snapshot, ref, commit: base.commit, digest };
    return digest;
  }

  /**
   * The commit `ref` names. Known revisions are dropped the moment HEAD or its branch moves
   * (read from git's files, no process), so a commit is seen by the very next answer.
   */
  private commitOf(ref: string): string {
    const now = Date.now();
    this.repository ??= openRepository(this.root);
    const head = headState(this.repository);
    const known = this.revisions.get(ref);
    if (known && known.head === head && (followsHead(ref) || now - known.at < REVISION_TTL_MS)) return known.commit;
    const commit = resolveCommit(this.repository, ref);
    this.revisions.set(ref, { commit, at: now, head });
    return commit;
  }

  private loadBase(ref: string, commit: string): Promise<BaseSide> {
    const loading = (async () => {
      // git's processes and the analysis that follows would compete with the first diagnostics.
      await this.working?.diagnosticsPublished;
      this.log(`impact: analysing ${ref} (${commit.slice(0, 12)})`);
      const revision = await GitRevisionReader.open(this.root, commit, this.repository);
      // Same size limit as the working analysis, so that its facts are the ones this would read.
      const maxFileBytes = this.working?.maxFileBytes ?? DEFAULT_SCAN_OPTIONS.maxFileBytes;
      const reader = await RevisionTexts.load(revision, (file) => this.working?.textRead(file, maxFileBytes));
      // A clean checkout: HEAD's analysis is the working tree's, already done (its objects shared).
      const same = this.working?.snapshotAnalysedFrom(reader, maxFileBytes);
      const sharedFacts = factsSharedBy(this.working, maxFileBytes);
      const snapshot = same ?? new WorkspaceAnalysis(reader, { maxFileBytes, sharedFacts }).analyzeAll();
      const side: BaseSide = {
        commit,
        reader,
        snapshot,
        index: new SideIndex(snapshot),
        memo: new ImpactMemo(),
        codeVerdicts: new WeakMap(),
      };
      if (this.base?.commit !== commit) this.base = side;
      const how = same ? ", the working tree's analysis (no file differs)" : "";
      this.log(`impact: analysed ${ref} (${commit.slice(0, 12)}), ${snapshot.assets.length} definitions${how}`);
      return side;
    })();
    this.loading = loading;
    void loading
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
      })
      .catch(() => undefined);
    return loading;
  }
}

/** `HEAD`, `HEAD~2`, `HEAD^`: what they name changes only when HEAD does. */
function followsHead(ref: string): boolean {
  return /^HEAD([~^]\d*)*$/.test(ref);
}

/** The request's selection; undefined (everything) when absent or blank; bad syntax is the caller's error. */
function parseImpactSelection(text: string | undefined): Selection | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const parsed = parseSelection(text);
  if (!parsed.ok) throw new ResponseError(ErrorCodes.InvalidParams, parsed.error);
  return parsed.selection;
}
