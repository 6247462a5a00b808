/** The answer to StatusRequest (`assetline/status`): the current status of assets, for the status bar and run views. */
import type { AnalysisSnapshot } from "../analysis";
import type { AssetStatus } from "../../../protocol";
import { assetNext } from "./forecastCache";
import type { StatusBoard } from "./status";

/** The status of the given keys (all defined keys when absent), with when each is next expected; unknown keys are skipped. */
export function statuses(
  snapshot: AnalysisSnapshot,
  status: StatusBoard,
  keys: readonly string[] | undefined,
): AssetStatus[] {
  const now = Date.now();
  const wanted = keys ?? snapshot.graph.keys();
  return wanted.flatMap((key) => {
    const found = status.statusOf(snapshot, key, now);
    if (found === undefined) return [];
    const next = assetNext(status.forecastOf(snapshot, key, now));
    return [next === undefined ? found : { ...found, next }];
  });
}
