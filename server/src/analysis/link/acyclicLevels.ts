/**
 * AL001 without a graph rebuild on most edits. While the graph is acyclic, every node keeps a
 * level that grows along every edge (longest path from a root). A new edge from a lower level
 * to a higher one (depending on something upstream: the usual case) keeps the graph acyclic at
 * no cost; otherwise the levels below it are raised, which finds any cycle the edge closes.
 */

/** The graph the levels are kept for, as the linker sees it (first definitions' deps). */
export interface LevelGraph {
  /** Every node: defined keys, then placeholders. */
  nodes(): readonly string[];
  /** What the node depends on (a key may repeat; an undefined key is no edge). */
  depsOf(key: string): readonly { readonly key: string | undefined }[];
  /** The nodes depending on `key`. */
  childrenOf(key: string): Iterable<string>;
}

/** Nodes whose level one new edge may raise before it is cheaper to look for cycles from scratch. */
const MAX_LEVEL_WORK = 20_000;

export class AcyclicLevels {
  /** Unknown until first needed (a one-shot analysis never needs them), and after a cycle. */
  private levels: Map<string, number> | undefined;

  constructor(private readonly graph: LevelGraph) {}

  /**
   * Computes the levels now unless known; false when the graph has a cycle (computing them is the
   * acyclicity check, cheaper than building the graph to look for cycles).
   */
  prepare(): boolean {
    this.levels ??= this.compute();
    return this.levels !== undefined;
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

  /**
   * Levels by a depth-first walk up the deps (a node's level is one more than its highest
   * parent's, 0 at the roots); undefined when the walk meets a node it is still inside (a cycle).
   */
  private compute(): Map<string, number> | undefined {
    const levels = new Map<string, number>();
    // The walk's path, as parallel stacks: node, its deps, the next dep to look at, its level so far.
    const path: string[] = [];
    const depsOnPath: (readonly { readonly key: string | undefined }[])[] = [];
    const nextDep: number[] = [];
    const levelSoFar: number[] = [];
    const enter = (key: string): void => {
      levels.set(key, ON_PATH);
      path.push(key);
      depsOnPath.push(this.graph.depsOf(key));
      nextDep.push(0);
      levelSoFar.push(0);
    };
    const nodes = this.graph.nodes();
    for (let i = 0; i < nodes.length; i++) {
      const root = nodes[i]!;
      if (levels.has(root)) continue;
      enter(root);
      while (path.length > 0) {
        const top = path.length - 1;
        const deps = depsOnPath[top]!;
        if (nextDep[top]! < deps.length) {
          const dep = deps[nextDep[top]!++]!.key;
          if (dep === undefined) continue;
          const level = levels.get(dep);
          if (level === ON_PATH) return undefined;
          if (level === undefined) enter(dep);
          else if (level >= levelSoFar[top]!) levelSoFar[top] = level + 1;
          continue;
        }
        const level = levelSoFar.pop()!;
        levels.set(path.pop()!, level);
        depsOnPath.pop();
        nextDep.pop();
        if (top > 0 && level >= levelSoFar[top - 1]!) levelSoFar[top - 1] = level + 1;
      }
    }
    return levels;
  }
}

/** The level of a node the walk is still inside. */
const ON_PATH = -1;
