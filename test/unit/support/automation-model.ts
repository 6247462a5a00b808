// What the pure automation model's tests share: the minute and the settings they tick with.
import type { AutomationSettings } from "../../../server/src/model/automationTypes";

export const MIN = 60_000;

/** The loop's settings in UTC, with a 30 s tick and back-off from 1 min up to 1 h. */
export function modelSettings(maxConcurrent: number): AutomationSettings {
  return { maxConcurrent, tickMs: 30_000, backoffInitialMs: MIN, backoffMaxMs: 60 * MIN, timeZone: "UTC" };
}
