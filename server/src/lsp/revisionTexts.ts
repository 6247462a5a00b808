/**
 * The texts of impact's base revision, held for as long as the base is (answers read a changed
 * definition's file as it was). Most files are the same at HEAD as in the working tree, and
 * those are held as the very strings the working analysis already keeps in its facts: a copy
 * of each, as git's reader loaded them, would cost as much again as the workspace's sources
 * (about 25 MB at 3,000 files).
 */
import type { SourceReader } from "../analysis";

export class RevisionTexts implements SourceReader {
  readonly root: string;
  private readonly files: readonly string[];
  private readonly texts = new Map<string, string>();

  /**
   * The listed texts of `revision` (loaded already); `workingText(file, text)` is the working
   * analysis' string with exactly that content, if it has one.
   */
  constructor(revision: SourceReader, workingText: (file: string, text: string) => string | undefined) {
    this.root = revision.root;
    this.files = revision.listFiles();
    for (const file of this.files) {
      const text = revision.readFile(file);
      if (text !== undefined) this.texts.set(file, workingText(file, text) ?? text);
    }
  }

  listFiles(): string[] {
    return this.files.slice();
  }

  readFile(file: string): string | undefined {
    return this.texts.get(file);
  }
}
