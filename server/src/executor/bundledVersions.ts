/**
 * Code versions of exactly what was bundled. The run records a materialization with the
 * version of the code that ran, not of what the analysis saw when the run was planned: a
 * file saved in between, or a bundle reused from another folder, must never be recorded as
 * code that ran. So the bundler hands over the very bytes esbuild read, and they are analysed
 * here, by the same analysis that computes versions for the editor and the CLI.
 *
 * One analysis per Bundler, updated file by file: a module's bundle holds its whole import
 * closure, so a definition's version (its syntax plus the helpers it calls) depends only on
 * files that are inputs of the same bundle, and each build brings the analysis up to date on
 * those files before reading the versions of its entry's definitions.
 */
import { isAnalysableFile, type SourceReader, WorkspaceAnalysis } from "../analysis";
import { assetStepId, checkStepId } from "./planner";

/** Step id (`asset:<key>`, `check:<key>:<name>`) → code version, for one module's definitions. */
export type CodeVersions = Readonly<Record<string, string>>;

export class BundledVersions {
  private readonly sources = new Map<string, string>();
  private readonly analysis: WorkspaceAnalysis;

  constructor(root: string) {
    const reader: SourceReader = {
      root,
      listFiles: () => [...this.sources.keys()].sort(),
      readFile: (file) => this.sources.get(file),
    };
    this.analysis = new WorkspaceAnalysis(reader);
  }

  /**
   * The versions of the definitions in `entry`, given the text of every workspace file the
   * bundle was built from (workspace-relative paths).
   */
  of(entry: string, inputs: ReadonlyMap<string, string>): CodeVersions {
    const changed: string[] = [];
    for (const [file, text] of inputs) {
      if (!isAnalysableFile(file) || this.sources.get(file) === text) continue;
      this.sources.set(file, text);
      changed.push(file);
    }
    const snapshot = this.analysis.updateFiles(changed);
    const versions: Record<string, string> = {};
    for (const asset of snapshot.assets) {
      if (asset.location.file === entry && asset.kind === "asset") versions[assetStepId(asset.key)] = asset.codeVersion;
    }
    for (const check of snapshot.checks) {
      if (check.location.file === entry && check.assetKey !== undefined)
        versions[checkStepId(check.assetKey, check.name)] = check.codeVersion;
    }
    return versions;
  }
}
