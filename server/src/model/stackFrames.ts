/**
 * The user's line in a failure's stack. Workers run the user's code from bundles with inline
 * source maps and Node's source-map support on, so the frames already name the original
 * TypeScript files; the first frame inside the workspace (not a dependency, not the engine's
 * build folder) is the line that threw, or that called the library that threw. Pure.
 */

export interface StackLocation {
  /** Workspace-relative, with forward slashes. */
  readonly file: string;
  /** 0-based. */
  readonly line: number;
  /** 0-based. */
  readonly character: number;
}

/** `at fn (/abs/file.ts:12:5)`, `at /abs/file.ts:12:5`, `at async fn (file:///abs/file.ts:12:5)`. */
const FRAME = /^\s*at (?:.*? \()?(?:file:\/\/)?((?:[A-Za-z]:)?[^():]*[^():\s])(?::(\d+))(?::(\d+))?\)?\s*$/;

/** The first frame of `stack` in a file under `root`, outside node_modules and `.assetline/`. */
export function firstUserFrame(stack: string | undefined, root: string): StackLocation | undefined {
  if (!stack) return undefined;
  const base = normalise(root).replace(/\/+$/, "") + "/";
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const path = normalise(decodeURIComponent(match[1]!));
    if (!path.startsWith(base)) continue;
    const file = path.slice(base.length);
    if (/(^|\/)node_modules\//.test(file) || file.startsWith(".assetline/")) continue;
    return { file, line: Math.max(0, Number(match[2]) - 1), character: Math.max(0, Number(match[3] ?? 1) - 1) };
  }
  return undefined;
}

/** The first line of an error message: what a lens or a toast has room for. */
export function firstLine(message: string): string {
  const line = message.split("\n", 1)[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function normalise(path: string): string {
  return path.replace(/\\/g, "/");
}
