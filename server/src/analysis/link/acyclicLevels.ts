/**
 * AL001 without a graph rebuild on most edits. While the graph is acyclic, every node keeps a
 * level that grows along every edge (longest path from a root). A new edge from a lower level
 * to a higher one (depending on something upstream: the usual case) keeps the graph acyclic at
 * no cost; otherwise the levels below it are raised, which finds any cycle the edge closes.
 */

/** The graph the levels are kept for, as the linker sees it (first definitions' deps). */
export interface LevelGraph {
  /** Every node: defined keys, then placeholders. */
  nodes(): Iterable<string>;
  /** How many distinct keys the node depends on. */
  parentCount(key: string): number;
  /** The nodes depending on `key`. */
  childrenOf(key: string): Iterable<string>;
}

/** Nodes whose level one new edge may raise before it is cheaper to look for cycles from scratch. */
const MAX_LEVEL_WORK = 20_000;

export class AcyclicLevels {
  /** Unknown until first needed (a one-shot analysis never needs them), and after a cycle. */
  private levels: Map<string, number> | undefined;

  constructor(private readonly graph: LevelGraph) {}

  /** Computes the levels now unless known; only call while the graph is known to be acyclic. */
  prepare(): void {
    this.levels ??= this.compute();
  }

  /** Forgets the levels: the graph was rebuilt, or may have a cycle. */
  forget(): void {
    this.levels = undefined;
  }

  /**
   * Keeps the levels valid for the added edges (already part of the graph); false when an edge
   * closes a cycle (or the work gets large), and the cycles must be looked for from scratch.
   */
  accept(addedEdges: ReadonlyArray<readonly [string, string]>): boolean {
    if (!this.levels) {
      // First edge change since the graph was (re)built: levels of the graph as it is now,
      // new edges included; computing them is itself the acyclicity check.
      this.levels = this.compute();
      return this.levels !== undefined;
    }
    const levels = this.levels;
    let work = 0;
    for (const [from, to] of addedEdges) {
      const floor = (levels.get(from) ?? 0) + 1;
      if ((levels.get(to) ?? 0) >= floor) continue;
      const stack: Array<[string, number]> = [[to, floor]];
      while (stack.length > 0) {
        const [key, level] = stack.pop()!;
        if (key === from) return this.invalidate(); // `to` reaches `from`: a cycle
        if ((levels.get(key) ?? 0) >= level) continue;
        levels.set(key, level);
        if (++work > MAX_LEVEL_WORK) return this.invalidate();
        for (const child of this.graph.childrenOf(key)) stack.push([child, level + 1]);
      }
    }
    return true;
  }

  private invalidate(): false {
    this.levels = undefined;
    return false;
  }

  /** Levels by Kahn's algorithm; undefined when there is a cycle. */
  private compute(): Map<string, number> | undefined {
    const levels = new Map<string, number>();
    const waiting = new Map<string, number>();
    const ready: string[] = [];
    const nodes = [...this.graph.nodes()];
    for (const key of nodes) {
      const parents = this.graph.parentCount(key);
      waiting.set(key, parents);
      levels.set(key, 0);
      if (parents === 0) ready.push(key);
    }
    let done = 0;
    while (ready.length > 0) {
      const key = ready.pop()!;
      done++;
      const next = levels.get(key)! + 1;
      for (const child of this.graph.childrenOf(key)) {
        if (levels.get(child)! < next) levels.set(child, next);
        const left = waiting.get(child)! - 1;
        waiting.set(child, left);
        if (left === 0) ready.push(child);
      }
    }
    return done === nodes.length ? levels : undefined;
  }
}
