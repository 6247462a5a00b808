/**
 * What the views matched against the run history (transitive staleness, automation forecasts)
 * read of the definitions, and whether two analyses agree on it. The language server keeps
 * those views across analyses that agree, because a keystroke yields a new asset list: in a
 * workspace of 13,000 assets recomputing them for the next hover costs ~150 ms, while the
 * comparison is a pointer check per asset (the linker hands back unchanged definitions as the
 * same objects) and a field comparison for the one that changed.
 */
import type { AutomationAsset } from "./automationTypes";

/**
 * Whether `before` and `after` read the same to the history views. Of an asset's code version
 * only whether it differs from the materialized one counts (both views compare nothing else),
 * so typing in an asset already edited since its last run changes nothing here.
 */
export function sameHistoryInputs(
  before: readonly AutomationAsset[],
  after: readonly AutomationAsset[],
  materializedCodeVersion: (key: string) => string | undefined,
): boolean {
  if (before === after) return true;
  if (before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a !== b && !sameAsset(a, b, materializedCodeVersion)) return false;
  }
  return true;
}

function sameAsset(
  a: AutomationAsset,
  b: AutomationAsset,
  materializedCodeVersion: (key: string) => string | undefined,
): boolean {
  if (a.key !== b.key || a.kind !== b.kind || a.deps.length !== b.deps.length) return false;
  for (let i = 0; i < a.deps.length; i++) if (a.deps[i]!.key !== b.deps[i]!.key) return false;
  if (a.codeVersion !== b.codeVersion) {
    const materialized = materializedCodeVersion(a.key);
    if (materialized !== undefined && codeDiffers(a, materialized) !== codeDiffers(b, materialized)) return false;
  }
  // Small literal objects, compared only for the definitions that changed.
  return (
    JSON.stringify(a.freshness) === JSON.stringify(b.freshness) &&
    JSON.stringify(a.automation) === JSON.stringify(b.automation)
  );
}

function codeDiffers(asset: AutomationAsset, materialized: string): boolean {
  return asset.codeVersion !== undefined && asset.codeVersion !== materialized;
}
