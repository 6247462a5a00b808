import type { AnalysisDiagnostic, AssetDefinition, CheckDefinition } from "../../model/definitions";
import { AssetGraph } from "../../model/graph";
import { cycleDiagnostics } from "../diagnostics/graphDiagnostics";
import { AcyclicLevels, type LevelGraph } from "./acyclicLevels";
import type { KeyChanges } from "./linkedKeys";

/** What the cycle tracker reads of the linker's state. */
export interface CycleInputs extends LevelGraph {
  readonly sortedAssets: () => readonly AssetDefinition[];
  readonly sortedChecks: () => readonly CheckDefinition[];
  /** The first definition of a key: AL001 is reported there. */
  readonly first: (key: string) => AssetDefinition | undefined;
}

/**
 * AL001 for the linker: the graph's cycles, found from scratch on a full link, and after an
 * edit only when the dependency edges changed and the new ones do not fit the acyclic graph's
 * levels (`AcyclicLevels`).
 */
export class CycleTracker {
  private cycles: Cycles = NO_CYCLES;
  private current: AnalysisDiagnostic[] = [];
  /** While the graph is acyclic, its levels (computed at the first edge change). */
  private readonly levels: AcyclicLevels;

  constructor(private readonly inputs: CycleInputs) {
    this.levels = new AcyclicLevels(inputs);
  }

  /** The AL001 diagnostics of the cycles last found. */
  get diagnostics(): readonly AnalysisDiagnostic[] {
    return this.current;
  }

  /** Computes the levels now, so the first edit after a full link does not pay for them. */
  prepareForEdits(): void {
    if (this.cycles.paths.length === 0) this.levels.prepare();
  }

  /**
   * Finds the graph's cycles from scratch (on a full link, and when an edit's new edges may close
   * one). The levels tell an acyclic graph (the usual case) without building it: then the graph is
   * left to whoever asks for it (`assetline check` never does). Returns the graph when it was built.
   */
  recompute(): AssetGraph | undefined {
    this.levels.forget();
    if (this.levels.prepare()) {
      this.cycles = NO_CYCLES;
      return undefined;
    }
    const graph = AssetGraph.fromDefinitions(this.inputs.sortedAssets(), this.inputs.sortedChecks());
    this.cycles = { paths: graph.cycles(), components: graph.cyclicComponents() };
    this.levels.forget();
    return graph;
  }

  /** AL001 from the cycles found, at the keys' current first definitions. */
  rediagnose(): void {
    this.current =
      this.cycles.paths.length === 0
        ? []
        : cycleDiagnostics(this.cycles.paths, this.cycles.components, this.inputs.first);
  }

  /**
   * After an edit: an acyclic graph whose new edges fit its levels stays acyclic. Adds the files
   * whose AL001 may have changed to `touched`; returns the graph when the cycles were found on a new one.
   */
  recheck(keys: KeyChanges, touched: Set<string>): AssetGraph | undefined {
    let graph: AssetGraph | undefined;
    if (keys.edgesChanged && !(this.cycles.paths.length === 0 && this.levels.accept(keys.addedEdges)))
      graph = this.recompute();
    if (this.cycles.paths.length > 0 || this.current.length > 0) {
      for (const diagnostic of this.current) touched.add(diagnostic.location.file);
      this.rediagnose();
      for (const diagnostic of this.current) touched.add(diagnostic.location.file);
    }
    return graph;
  }
}

interface Cycles {
  readonly paths: readonly (readonly string[])[];
  readonly components: readonly (readonly string[])[];
}

const NO_CYCLES: Cycles = { paths: [], components: [] };
