/** The answer to StatusRequest (`assetline/status`): the current status of assets, for the status bar and run views. */
import type { AnalysisSnapshot } from "../analysis";
import type { AssetStatus } from "../../../protocol";
import type { StatusBoard } from "./status";

/** The status of the given keys (all defined keys when absent); unknown keys are skipped. */
export function statuses(
  snapshot: AnalysisSnapshot,
  status: StatusBoard,
  keys: readonly string[] | undefined,
): AssetStatus[] {
  const now = Date.now();
  const wanted = keys ?? snapshot.graph.keys();
  return wanted.flatMap((key) => status.statusOf(snapshot, key, now) ?? []);
}
