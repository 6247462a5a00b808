import { createHash } from "node:crypto";
import { fastSqlPathEnabled } from "../sql/fastTables";
import { sqlParserVersion } from "../sql/extractTables";
import { ts } from "../typescript";

/** Set by esbuild (scripts/engineBuildId.mjs): a hash of the engine's sources; absent when running from them. */
declare const __ASSETLINE_ENGINE_BUILD__: string | undefined;

/**
 * Which engine is running, for caches of what it computed (the facts cache): the build's id (a
 * hash of the engine's sources, the same in the CLI's and the language server's bundles, so each
 * reads what the other cached), and what else a file's facts depend on that a build does not fix.
 * Any change to one of them gives another fingerprint, so nothing cached under other code is read.
 *
 * Undefined when the engine runs from its sources (the tests, through tsx) or from a watch build:
 * nothing could tell a stale cache from a good one then.
 */
export function engineFingerprint(): string | undefined {
  const build = typeof __ASSETLINE_ENGINE_BUILD__ === "string" ? __ASSETLINE_ENGINE_BUILD__ : undefined;
  return build === undefined ? undefined : fingerprintOf(build);
}

/** The fingerprint of `build` in this process: exported for its test. */
export function fingerprintOf(build: string): string {
  const parts = [
    build,
    // Resolved from node_modules outside the .vsix, so they may change without a build.
    `typescript@${ts.version}`,
    `sql-parser-cst@${sqlParserVersion()}`,
    `cron-parser@${packageVersion(() => require("cron-parser/package.json"))}`,
    // Cron time zones are checked against the runtime's own database (AL010), so the CLI on the
    // system's Node and the server on the editor's may answer differently.
    `node@${process.version} icu@${process.versions.icu ?? "none"} tz@${process.versions.tz ?? "none"}`,
    // ASSETLINE_SQL_FAST_PATH=0 reads every statement with sql-parser-cst alone.
    `fast-sql@${fastSqlPathEnabled()}`,
  ];
  return createHash("sha1").update(parts.join("\n")).digest("hex");
}

/** A static require, so that a bundle with its packages bundled in carries the version too. */
function packageVersion(load: () => unknown): string {
  try {
    return (load() as { version: string }).version;
  } catch {
    return "unknown";
  }
}
