/**
 * Freshness and staleness of assets, from the run history's latest facts and the current code
 * versions. Pure: no I/O, the clock is an argument.
 *
 * One state per asset, the first that applies in this order (most actionable first):
 *   1. failed             — the last attempt to build it failed after its last materialization
 *                           (the data may still exist, but the last build did not produce it)
 *   2. never-materialized — no materialization recorded
 *   3. code-changed       — the definition's code version differs from the materialized one
 *   4. upstream-changed   — a parent has a newer materialization than the one consumed
 *                           (a parent materialized but never consumed counts too), or a
 *                           parent is itself stale (see staleness.ts): the whole downstream
 *   5. overdue            — older than its `freshness.maxLagMinutes`
 *   6. fresh
 * Sources are observed, not built: "fresh" unless an observation (a materialization) is
 * passed, in which case only overdue/fresh apply.
 * Staleness is transitive, as in Dagster: after `stg_orders` is rebuilt, `orders` and every
 * asset below it are upstream-changed, each reason naming the upstream that changed.
 */
import type { AssetHistory, MaterializationFact } from "./history";
import type { DefinitionKind, FreshnessPolicy } from "./definitions";
import { upstreamCauseReason, upstreamStaleness, type UpstreamCause } from "./staleness";

export type FreshnessState =
  "fresh" | "overdue" | "upstream-changed" | "code-changed" | "never-materialized" | "failed";

export interface CheckStatus {
  readonly name: string;
  readonly passed: boolean;
  /** Epoch ms of the latest evaluation. */
  readonly evaluatedAt: number;
}

export interface AssetFreshness {
  readonly key: string;
  readonly state: FreshnessState;
  /** Why, in the user's words, e.g. "upstream raw_orders materialized 5 min after this one". */
  readonly reason: string;
  readonly lastMaterializedAt?: number;
  /** The code version of the last materialization (compare with the definition's). */
  readonly materializedCodeVersion?: string;
  /** Latest evaluation per check, sorted by name; checks never evaluated are absent. */
  readonly checks: readonly CheckStatus[];
}

export interface FreshnessInput {
  readonly key: string;
  /** Defaults to "asset". */
  readonly kind?: DefinitionKind;
  readonly currentCodeVersion: string | undefined;
  readonly freshness: FreshnessPolicy | undefined;
  /** Keys of the direct upstreams. */
  readonly parents: readonly string[];
  readonly latest: AssetHistory | undefined;
  /** Latest state of (at least) the parents; may be the whole workspace's map. */
  readonly latestOfParents: ReadonlyMap<string, AssetHistory>;
  /** Epoch ms. */
  readonly now: number;
  /** Checks currently defined on the asset: when given, results of deleted or renamed checks are hidden. */
  readonly checkNames?: readonly string[];
  /** Stale upstreams arriving through stale parents (`upstreamStaleness`); absent: direct staleness only. */
  readonly upstreamCauses?: readonly UpstreamCause[];
}

/** Computes one asset's freshness state, reason and check results. */
export function assetFreshness(input: FreshnessInput): AssetFreshness {
  const { latest, now } = input;
  const materialization = latest?.materialization;
  const base = {
    key: input.key,
    checks: checkStatuses(latest, input.checkNames),
    ...(materialization === undefined
      ? {}
      : { lastMaterializedAt: materialization.timestamp, materializedCodeVersion: materialization.codeVersion }),
  };
  const result = (state: FreshnessState, reason: string): AssetFreshness => ({ ...base, state, reason });

  if (input.kind === "source") {
    if (materialization === undefined) return result("fresh", "source: observed, not built");
    return lagState(materialization, input.freshness, now, "source observed", result);
  }

  if (latest?.failure !== undefined) {
    const failure = latest.failure;
    return result("failed", `last attempt failed ${ago(now, failure.timestamp)}: ${summary(failure.message)}`);
  }
  if (materialization === undefined) return result("never-materialized", "never materialized");

  if (input.currentCodeVersion !== undefined && input.currentCodeVersion !== materialization.codeVersion) {
    return result(
      "code-changed",
      `code changed since the last materialization ${ago(now, materialization.timestamp)} ` +
        `(built from ${short(materialization.codeVersion)}, now ${short(input.currentCodeVersion)})`,
    );
  }

  const changed = changedParents(input.parents, materialization, input.latestOfParents);
  if (changed.length > 0) {
    const first = changed[0];
    const lead =
      first.timestamp > materialization.timestamp
        ? `upstream ${first.assetKey} materialized ${duration(first.timestamp - materialization.timestamp)} after this one`
        : `upstream ${first.assetKey} has a newer materialization than the one this was built from`;
    const more = changed.length > 1 ? ` (and ${changed.length - 1} more upstream${changed.length > 2 ? "s" : ""})` : "";
    return result("upstream-changed", lead + more);
  }
  if (input.upstreamCauses !== undefined && input.upstreamCauses.length > 0) {
    return result("upstream-changed", upstreamCauseReason(input.upstreamCauses));
  }

  return lagState(materialization, input.freshness, now, "materialized", result);
}

/** Overdue or fresh, by the asset's lag policy. */
function lagState(
  materialization: MaterializationFact,
  policy: FreshnessPolicy | undefined,
  now: number,
  verb: string,
  result: (state: FreshnessState, reason: string) => AssetFreshness,
): AssetFreshness {
  const age = now - materialization.timestamp;
  if (policy === undefined) return result("fresh", `${verb} ${ago(now, materialization.timestamp)}`);
  const allowed = policy.maxLagMinutes * 60_000;
  if (age > allowed) {
    return result(
      "overdue",
      `${verb} ${ago(now, materialization.timestamp)}, more than the allowed ${duration(allowed)}`,
    );
  }
  return result("fresh", `${verb} ${ago(now, materialization.timestamp)}, within the allowed ${duration(allowed)}`);
}

/**
 * Parents whose latest materialization is not the one consumed. Event ids, not timestamps,
 * decide "newer": ids are monotonic across processes, clocks are not.
 */
function changedParents(
  parents: readonly string[],
  materialization: MaterializationFact,
  latestOfParents: ReadonlyMap<string, AssetHistory>,
): MaterializationFact[] {
  const changed: MaterializationFact[] = [];
  for (const parent of new Set(parents)) {
    const parentMaterialization = latestOfParents.get(parent)?.materialization;
    if (parentMaterialization === undefined) continue;
    const consumed = materialization.consumed[parent];
    if (consumed === undefined || parentMaterialization.eventId > consumed) changed.push(parentMaterialization);
  }
  // Most recent change first: that is the one the user most likely just made.
  return changed.sort((a, b) => b.eventId - a.eventId);
}

function checkStatuses(latest: AssetHistory | undefined, names: readonly string[] | undefined): CheckStatus[] {
  if (latest === undefined) return [];
  const wanted = names === undefined ? undefined : new Set(names);
  return latest.checks
    .filter((c) => wanted === undefined || wanted.has(c.checkName))
    .map((c) => ({ name: c.checkName, passed: c.passed, evaluatedAt: c.timestamp }));
}

/** The structural subset of an AssetDefinition that freshness needs. */
export interface FreshnessAsset {
  readonly key: string;
  readonly kind?: DefinitionKind;
  readonly codeVersion: string | undefined;
  readonly freshness: FreshnessPolicy | undefined;
  readonly deps: readonly { readonly key: string | undefined }[];
}

/** The structural subset of a CheckDefinition that freshness needs. */
export interface FreshnessCheck {
  readonly name: string;
  readonly assetKey: string | undefined;
}

/**
 * Freshness of many assets at once (AssetDefinition[] and CheckDefinition[] fit as they are).
 * When `checks` is given, only currently defined checks are reported per asset.
 */
export function workspaceFreshness(
  assets: Iterable<FreshnessAsset>,
  state: ReadonlyMap<string, AssetHistory>,
  now: number,
  checks?: Iterable<FreshnessCheck>,
): Map<string, AssetFreshness> {
  let checksByAsset: Map<string, string[]> | undefined;
  if (checks !== undefined) {
    checksByAsset = new Map();
    for (const check of checks) {
      if (check.assetKey === undefined) continue;
      const list = checksByAsset.get(check.assetKey);
      if (list === undefined) checksByAsset.set(check.assetKey, [check.name]);
      else list.push(check.name);
    }
  }
  const list = [...assets];
  const causes = upstreamStaleness(list, state);
  const result = new Map<string, AssetFreshness>();
  for (const asset of list) {
    const parents: string[] = [];
    for (const dep of asset.deps) if (dep.key !== undefined) parents.push(dep.key);
    result.set(
      asset.key,
      assetFreshness({
        key: asset.key,
        kind: asset.kind,
        currentCodeVersion: asset.codeVersion,
        freshness: asset.freshness,
        parents,
        latest: state.get(asset.key),
        latestOfParents: state,
        now,
        checkNames: checksByAsset === undefined ? undefined : (checksByAsset.get(asset.key) ?? []),
        upstreamCauses: causes.get(asset.key),
      }),
    );
  }
  return result;
}

/** "5 min", "2 h 5 min", "3 d 4 h": coarse on purpose, for humans. */
export function duration(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 1) return "less than a second";
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

function ago(now: number, then: number): string {
  // A timestamp from the future means another machine's clock is ahead: say so plainly.
  return then > now + 1000 ? "in the future (clock skew)" : `${duration(now - then)} ago`;
}

/** First line of a failure message, capped: reasons are shown inline in the editor. */
function summary(message: string): string {
  const line = message.split("\n", 1)[0].trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line || "(no message)";
}

/** Code versions are long hashes; 8 characters are enough to tell them apart in a message. */
function short(version: string): string {
  return version.length > 12 ? version.slice(0, 8) : version;
}
