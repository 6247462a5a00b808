/**
 * The bundles of one run: each user module is built (or reused from the Bundler's cache on
 * disk) once per run and shared by all its steps and their retries, so every step of a run
 * executes the same code even if the file changes while the run goes on.
 */
import type { Bundle, Bundler } from "./bundler";
import type { PlanStep } from "./planner";

export class RunBundles {
  private readonly builds = new Map<string, Promise<Bundle>>();

  constructor(private readonly bundler: Bundler) {}

  /** The bundle of `file` (workspace-relative); rejects with a BundleError when it does not build. */
  of(file: string): Promise<Bundle> {
    let build = this.builds.get(file);
    if (!build) {
      build = this.bundler.bundle(file);
      // Reported by each step that needs it, not as an unhandled rejection.
      build.catch(() => undefined);
      this.builds.set(file, build);
    }
    return build;
  }

  /** Starts every runnable step's build now, in parallel, instead of when its first step comes up. */
  prefetch(steps: readonly PlanStep[]): void {
    for (const step of steps) if (step.unrunnable === undefined) void this.of(step.file);
  }
}
