/**
 * Public API of the executor: plan a selection, run it in worker processes, record it in the
 * store. Import from here, not from the files behind it.
 */
export { Executor, handleTerminationSignals, type ExecutorOptions, type StartOptions } from "./executor";
export { planRun, assetStepId, checkStepId, type PlanOptions, type PlanStep, type RunPlan } from "./planner";
export type { RunHandle } from "./run";
export { RunEvents } from "./recorder";
export type { RunResult, StepResult, StepStatus } from "./results";
export type { StepError, StepKind } from "./workerMessages";
export { BundleError } from "./bundler";
export { isProcessAlive, killProcessTree } from "./processTree";
