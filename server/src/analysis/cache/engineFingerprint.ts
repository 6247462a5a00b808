import { createHash } from "node:crypto";
import { sqlParserVersion } from "../sql/extractTables";
import { ts } from "../typescript";

/** Set by esbuild (scripts/engineBuildId.mjs): a hash of the engine's sources; absent when running from them. */
declare const __ASSETLINE_ENGINE_BUILD__: string | undefined;

/**
 * Which engine is running, for caches of what it computed (the facts cache): the build's id (a
 * hash of the engine's sources, the same in the CLI's and the language server's bundles, so each
 * reads what the other cached) and the versions of TypeScript and sql-parser-cst, which are
 * resolved from node_modules outside the .vsix and may change without a build. Any change to
 * the analysis or its parsers gives another fingerprint, so nothing cached by other code is read.
 *
 * Undefined when the engine runs from its sources (the tests, through tsx) or from a watch build:
 * nothing could tell a stale cache from a good one then.
 */
export function engineFingerprint(): string | undefined {
  const build = typeof __ASSETLINE_ENGINE_BUILD__ === "string" ? __ASSETLINE_ENGINE_BUILD__ : undefined;
  if (build === undefined) return undefined;
  return createHash("sha1")
    .update(`${build}\ntypescript@${ts.version}\nsql-parser-cst@${sqlParserVersion()}`)
    .digest("hex");
}
