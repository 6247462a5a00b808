/**
 * Facts for a file the analysis could not read: too large, too deeply nested for the parser,
 * unreadable, or a failure of the analysis itself. Each becomes one AL007 on the file, and
 * the rest of the workspace is analysed as if the file were empty.
 */
import type { AnalysisDiagnostic, SourceLocation } from "../../model/definitions";
import type { FileFacts } from "../facts";
import { deepestNesting, positionAt } from "./nesting";

/** Brackets open at once beyond which the nesting itself is the likely cause of a parser failure. */
const NOTABLE_NESTING = 100;

/** A file over the size limit (generated code, usually). */
export function tooLargeFile(file: string, text: string, maxFileBytes: number): FileFacts {
  const megabytes = (text.length / (1024 * 1024)).toFixed(1);
  const limit = (maxFileBytes / (1024 * 1024)).toFixed(1);
  return skipped(
    file,
    startOf(file),
    `${file} is ${megabytes} MB, over the ${limit} MB analysis limit, so assets in it are not analysed. ` +
      "If it is generated, add it to .gitignore; otherwise move definitions to smaller files.",
    "too large",
    "info",
  );
}

/**
 * A file whose syntax nests deeper than the parser (or a walk over it) can follow: the call
 * stack ran out. Points at the deepest bracket when brackets are the cause.
 */
export function tooDeeplyNestedFile(file: string, text: string): FileFacts {
  const nesting = deepestNesting(text);
  const advice =
    'so assets in it are not analysed. Build long lists with an array (`[...].join("")`) or data files ' +
    "instead of nested expressions; if the file is generated, add it to .gitignore.";
  if (nesting.depth >= NOTABLE_NESTING) {
    const position = positionAt(text, nesting.offset);
    return skipped(
      file,
      { file, range: { start: position, end: { line: position.line, character: position.character + 1 } } },
      `${file} nests brackets ${nesting.depth} levels deep, too deeply nested to analyse, ${advice}`,
      "too deeply nested",
      "warning",
    );
  }
  return skipped(
    file,
    startOf(file),
    `${file} is too deeply nested to analyse (a chain of nested expressions, such as arrow functions or ` +
      `conditionals, deeper than the parser can follow), ${advice}`,
    "too deeply nested",
    "warning",
  );
}

/** A file that exists but cannot be read (permission denied, an I/O error). */
export function unreadableFile(file: string, reason: string): FileFacts {
  return skipped(
    file,
    startOf(file),
    `${file} cannot be read (${reason}), so assets in it are not analysed. ` +
      `Give your user read permission on it (chmod a+r ${file}), or add it to .gitignore.`,
    "unreadable",
    "warning",
  );
}

/** The analysis itself failed on this file: a bug, reported on the file so the rest still works. */
export function failedFile(file: string, error: unknown): FileFacts {
  const message = (error instanceof Error ? error.message : String(error)).split("\n", 1)[0];
  return skipped(
    file,
    startOf(file),
    `${file} could not be analysed (${message}), so assets in it are not analysed; the rest of the workspace is. ` +
      "This is a bug in Assetline: please report it with this file.",
    "internal error",
    "warning",
  );
}

/** True for the error V8 throws when the call stack is exhausted. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function startOf(file: string): SourceLocation {
  return { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

/**
 * Too large is a note (generated code is meant to be skipped); the other reasons hide code the
 * user wrote to be analysed, so they warn.
 */
function skipped(
  file: string,
  location: SourceLocation,
  message: string,
  reason: string,
  severity: "info" | "warning",
): FileFacts {
  const diagnostic: AnalysisDiagnostic = {
    code: "AL007",
    severity,
    location,
    message,
    related: [],
    data: { kind: "fileSkipped", reason },
  };
  return {
    file,
    text: "",
    imports: new Map(),
    exports: new Map(),
    starExports: [],
    declarations: new Map(),
    calls: [],
    diagnostics: [diagnostic],
    syntaxErrors: 0,
    skipped: true,
  };
}
