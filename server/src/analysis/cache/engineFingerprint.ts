import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { sqlParserVersion } from "../sql/extractTables";
import { ts } from "../typescript";

/**
 * Which engine build is running, for caches of what it computed (the facts cache): a hash of
 * the bundle this module is part of (`dist/cli.js`, `dist/server.js`) and the versions of
 * TypeScript and sql-parser-cst, which are not bundled in outside the .vsix. Any change to the analysis' code
 * or its parsers gives another fingerprint, so nothing cached by other code is read back.
 *
 * Undefined when the engine runs from its sources (the tests, through tsx): no one file holds
 * the analysis' code then, so nothing could tell a stale cache from a good one.
 */
export function engineFingerprint(): string | undefined {
  if (fingerprint === null) fingerprint = computeFingerprint();
  return fingerprint;
}

let fingerprint: string | undefined | null = null;

function computeFingerprint(): string | undefined {
  const script = __filename;
  if (!script.endsWith(".js")) return undefined;
  try {
    const hash = createHash("sha1").update(readFileSync(script));
    hash.update(`\ntypescript@${ts.version}\nsql-parser-cst@${sqlParserVersion()}`);
    return hash.digest("hex");
  } catch {
    return undefined; // the bundle cannot be read back: no cache rather than a wrong one
  }
}
