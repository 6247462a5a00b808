/**
 * The texts of impact's base revision, held for as long as the base is (answers read a changed
 * definition's file as it was). Most files are the same at HEAD as in the working tree: those are
 * recognised by their git object id, computed from the text the working analysis read, and held
 * as that very string. Only the others are read from git. Loading every blob instead would copy
 * the workspace's sources once more (about 25 MB of strings at 3,000 files, and as much again in
 * git's output while it is read).
 */
import type { SourceReader } from "../analysis";
import { type GitRevisionReader, gitBlobId } from "../analysis/git";

export class RevisionTexts implements SourceReader {
  readonly root: string;

  private constructor(
    revision: GitRevisionReader,
    private readonly files: readonly string[],
    private readonly texts: ReadonlyMap<string, string>,
  ) {
    this.root = revision.root;
  }

  /**
   * The listed texts of `revision`, taking `workingText(file)` (the text the working analysis
   * read) wherever it is the revision's content, and loading the rest; closes git's process.
   */
  static async load(
    revision: GitRevisionReader,
    workingText: (file: string) => string | undefined,
  ): Promise<RevisionTexts> {
    const files = revision.listFiles();
    const texts = new Map<string, string>();
    const differing: string[] = [];
    for (const file of files) {
      const text = workingText(file);
      if (text !== undefined && revision.blobOf(file) === gitBlobId(text)) texts.set(file, text);
      else differing.push(file);
    }
    try {
      await revision.load(differing);
    } finally {
      revision.close();
    }
    for (const file of differing) {
      const text = revision.readFile(file);
      if (text !== undefined) texts.set(file, text);
    }
    return new RevisionTexts(revision, files, texts);
  }

  listFiles(): string[] {
    return this.files.slice();
  }

  readFile(file: string): string | undefined {
    return this.texts.get(file);
  }
}
