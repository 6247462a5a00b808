// The parts of the engine the automation benchmark drives, bundled by run.mjs as they ship.
export { EventStore } from "../../server/src/store";
export { StoreHistoryView } from "../../server/src/automation/historyView";
export { CronSchedules } from "../../server/src/automation/cron";
export { decideTick } from "../../server/src/model/automation";
export { TickMemo } from "../../server/src/model/automationMemo";
export { forecastAssets } from "../../server/src/model/automationForecast";
