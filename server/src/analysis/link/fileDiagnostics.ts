import { compareKeyStrings as compare } from "../../model/assetKey";
import type { AnalysisDiagnostic } from "../../model/definitions";
import { lowerBound } from "./sortedLists";

/**
 * The workspace's diagnostics kept per file, each file's list sorted, so that an edit re-sorts
 * only the files whose diagnostics changed and the whole list is a concatenation in file order.
 */
export class FileDiagnostics {
  private byFile = new Map<string, AnalysisDiagnostic[]>();
  /** The files with diagnostics, sorted. */
  private files: string[] = [];

  clear(): void {
    this.byFile = new Map();
    this.files = [];
  }

  /**
   * Replaces one file's diagnostics (an empty list forgets the file). They are sorted by
   * position and code here; the sort is stable, so ties keep the order given.
   */
  set(file: string, diagnostics: AnalysisDiagnostic[]): void {
    const index = lowerBound(this.files, file, compare);
    const listed = index < this.files.length && this.files[index] === file;
    if (diagnostics.length === 0) {
      this.byFile.delete(file);
      if (listed) this.files.splice(index, 1);
      return;
    }
    this.byFile.set(file, diagnostics.sort(byPosition));
    if (!listed) this.files.splice(index, 0, file);
  }

  /** Every diagnostic, sorted by file, position and code: a new list each time. */
  all(): AnalysisDiagnostic[] {
    const diagnostics: AnalysisDiagnostic[] = [];
    for (const file of this.files) {
      for (const diagnostic of this.byFile.get(file)!) {
        // Every diagnostic sits in the file of the definition it is about; if one ever did
        // not, the per-file order would be wrong: sort the whole list instead.
        if (diagnostic.location.file !== file)
          return this.files.flatMap((each) => this.byFile.get(each)!).sort(byPosition);
        diagnostics.push(diagnostic);
      }
    }
    return diagnostics;
  }
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
