import { posix } from "node:path";
import type { ModuleRef, ModuleTarget } from "../facts";

/** The package users import the API from. */
export const SDK_MODULE = "assetline";

/** Targets without a path, shared by every import of them: facts live as long as the analysis. */
const SDK_TARGET: ModuleTarget = { kind: "assetline" };
const EXTERNAL_TARGET: ModuleTarget = { kind: "external" };

/**
 * Classifies a module specifier written in `file` (a workspace path); `folder` is the file's,
 * when the caller has it already (a file imports several modules).
 */
export function moduleRef(file: string, specifier: string, folder?: string): ModuleRef {
  if (specifier === SDK_MODULE) return { specifier, target: SDK_TARGET };
  if (specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..") {
    return { specifier, target: { kind: "relative", path: relativeModulePath(file, specifier, folder) } };
  }
  return { specifier, target: EXTERNAL_TARGET };
}

/**
 * `posix.normalize(posix.join(posix.dirname(file), specifier))`. Every file imports several
 * neighbours, and the general join and normalise cost more than the rest of reading an import:
 * the usual shape (a normal folder, `./` or `../`s, then plain names) is joined directly.
 */
export function relativeModulePath(file: string, specifier: string, folder = posix.dirname(file)): string {
  let rest = specifier.startsWith("./") ? specifier.slice(2) : specifier;
  let up = 0;
  while (rest.startsWith("../")) {
    rest = rest.slice(3);
    up++;
  }
  if (!isPlainPath(rest) || (folder !== "." && !isPlainPath(folder)))
    return posix.normalize(posix.join(folder, specifier));
  let end = folder === "." ? 0 : folder.length; // folder[0, end) is what the `../`s leave
  let above = "";
  for (let step = 0; step < up; step++) {
    if (end === 0) above += "../";
    else end = Math.max(folder.lastIndexOf("/", end - 1), 0);
  }
  return end === 0 ? above + rest : `${folder.slice(0, end)}/${rest}`;
}

/** Names joined by single slashes, none of them "." or "..": what normalising leaves as it is. */
function isPlainPath(path: string): boolean {
  let segmentStart = 0;
  for (let at = 0; at <= path.length; at++) {
    if (at < path.length && path.charCodeAt(at) !== 47 /* / */) continue;
    const length = at - segmentStart;
    if (length === 0) return false;
    if (
      path.charCodeAt(segmentStart) === 46 /* . */ &&
      (length === 1 || (length === 2 && path.charCodeAt(segmentStart + 1) === 46))
    )
      return false;
    segmentStart = at + 1;
  }
  return true;
}

const CANDIDATE_SUFFIXES = ["", ".ts", ".tsx", ".mts", ".cts", "/index.ts", "/index.tsx", "/index.mts"];
/** ESM-style specifiers name the emitted file ("./x.js") while the source is "./x.ts". */
const EMITTED_TO_SOURCE: ReadonlyArray<readonly [string, readonly string[]]> = [
  [".js", [".ts", ".tsx"]],
  [".mjs", [".mts"]],
  [".cjs", [".cts"]],
  [".jsx", [".tsx"]],
];

/** Resolves a relative module path to a workspace file, the way TypeScript's resolution would. */
export function resolveRelativeModule(path: string, fileExists: (file: string) => boolean): string | undefined {
  for (const [emitted, sources] of EMITTED_TO_SOURCE) {
    if (!path.endsWith(emitted)) continue;
    const stem = path.slice(0, -emitted.length);
    for (const source of sources) if (fileExists(stem + source)) return stem + source;
  }
  for (const suffix of CANDIDATE_SUFFIXES) {
    const candidate = path + suffix;
    if (candidate !== path || /\.[cm]?tsx?$/.test(path)) {
      if (fileExists(candidate)) return candidate;
    }
  }
  return undefined;
}
