/**
 * What the model needs to know of an asset's run history, declared here so that the pure
 * core never depends on the persistence layer: the store's records extend these shapes
 * (and carry more), and freshness reads only what is named here.
 */

/** One recorded materialization of an asset. */
export interface MaterializationFact {
  /** Monotonic across processes: "newer" is decided by ids, never by clocks. */
  readonly eventId: number;
  readonly assetKey: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  /** The code version of exactly what was run. */
  readonly codeVersion: string;
  /** Upstream key → the materialization event id this one was built from. */
  readonly consumed: Readonly<Record<string, number>>;
}

/** The last failed attempt to build an asset. */
export interface FailureFact {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly message: string;
}

/** The latest evaluation of one check. */
export interface CheckResultFact {
  readonly checkName: string;
  readonly passed: boolean;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** The latest of everything the history knows about one asset. */
export interface AssetHistory {
  readonly materialization: MaterializationFact | undefined;
  /** The last failed asset step, only when it happened after `materialization`. */
  readonly failure: FailureFact | undefined;
  /** The latest evaluation of each check of this asset, sorted by check name. */
  readonly checks: readonly CheckResultFact[];
}
