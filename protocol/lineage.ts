/**
 * The asset graph as the lineage panel receives it: nodes that hold keys (never object
 * references), edges upstream → downstream, and everything needed to draw and colour them.
 */
import type { Location } from "vscode-languageserver-protocol";
import type { AssetStatus } from "./status";

export interface LineageParams {
  /**
   * Which part of the graph, in the selection syntax (`+stg_orders+`, `group:staging`,
   * `2+orders`). The whole graph when absent or empty.
   */
  readonly selection?: string;
}

export type LineageNodeKind = "asset" | "source" | "placeholder";

export interface LineageCheck {
  readonly name: string;
  readonly blocking: boolean;
  readonly location: Location;
}

export interface LineageNode {
  readonly key: string;
  /** "placeholder": named by a dep, defined nowhere (AL002). */
  readonly kind: LineageNodeKind;
  readonly group: string | undefined;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
  readonly description: string | undefined;
  /** Where the key is written; absent for placeholders. */
  readonly location: Location | undefined;
  readonly checks: readonly LineageCheck[];
  /** Absent for placeholders. */
  readonly status: AssetStatus | undefined;
}

export interface LineageEdge {
  /** The upstream key. */
  readonly from: string;
  /** The downstream key. */
  readonly to: string;
}

export interface LineageGraph {
  /** The analysis version the graph was read from (increases with every re-analysis). */
  readonly version: number;
  /** In stable topological order (alphabetical within a level), so layouts never flicker. */
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  /** Dependency cycles among the nodes, each a path whose first key is repeated last. */
  readonly cycles: readonly (readonly string[])[];
  /** Selection terms that matched nothing, as written: they make the selection an error (`error` says so). */
  readonly unmatched: readonly string[];
  /** Why the selection could not be read, in the user's words; nodes are empty then. */
  readonly error: string | undefined;
}
