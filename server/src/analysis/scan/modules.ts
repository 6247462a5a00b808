import { posix } from "node:path";
import type { ModuleRef } from "../facts";

/** The package users import the API from. */
export const SDK_MODULE = "assetline";

/** Classifies a module specifier written in `file` (a workspace path). */
export function moduleRef(file: string, specifier: string): ModuleRef {
  if (specifier === SDK_MODULE) return { specifier, target: { kind: "assetline" } };
  if (specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..") {
    const joined = posix.normalize(posix.join(posix.dirname(file), specifier));
    return { specifier, target: { kind: "relative", path: joined } };
  }
  return { specifier, target: { kind: "external" } };
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
