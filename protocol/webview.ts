/**
 * Messages between the extension host and the lineage webview, declared once. The webview
 * speaks first (`ready`); the host posts data only after it. Both sides treat every message
 * as untrusted input: the `parse…` functions below return undefined for anything that is not
 * exactly one of these shapes, so handlers only ever see well-formed, typed data.
 */
import { type ImpactHighlight, parseImpactHighlights } from "./impactHighlight";
import { type AssetDetails, parseAssetDetails } from "./assetDetails";
import type { LineageCheck, LineageEdge, LineageGraph, LineageNode, LineageNodeKind } from "./lineage";
import type { AssetState, AssetStatus, CheckSummary } from "./status";
import { list, nonEmpty, number, object, optional, string } from "./untrusted";

/** How far the panel looks around the focused asset by default, each way (dbt users ask for 2). */
export const DEFAULT_DEPTH = 2;
/** Deeper than this is "everything" for any real project; bounds what a message may ask. */
export const MAX_DEPTH = 99;

/**
 * What part of the graph the panel shows. The server evaluates it (as selection text, with
 * the engine's one resolver); neither side interprets a selection itself.
 */
export type LineageScope =
  /** The focused asset and its neighbourhood, `upstream` levels up and `downstream` down. */
  | { readonly kind: "focus"; readonly key: string; readonly upstream: number; readonly downstream: number }
  /** What the user typed in the selection box, as written. */
  | { readonly kind: "selection"; readonly text: string }
  /** The whole graph. */
  | { readonly kind: "all" };

/** The selection text the server is asked for; "" is the whole graph. */
export function scopeSelection(scope: LineageScope): string {
  switch (scope.kind) {
    case "focus":
      return `${scope.upstream > 0 ? `${scope.upstream}+` : ""}${scope.key}${scope.downstream > 0 ? `+${scope.downstream}` : ""}`;
    case "selection":
      return scope.text.trim();
    case "all":
      return "";
  }
}

/** Actions on one asset that the host carries out with the extension's own commands. */
export type NodeAction = "materialize" | "materializeWithUpstream" | "runChecks" | "copyKey";
const NODE_ACTIONS: ReadonlySet<NodeAction> = new Set<NodeAction>([
  "materialize",
  "materializeWithUpstream",
  "runChecks",
  "copyKey",
]);

/** host → webview */
export type HostToWebviewMessage =
  /**
   * The graph to draw for `scope`, what to centre on and what to highlight (e.g. an AL001
   * cycle path), and whether the panel follows the active editor. Sent again with the same
   * scope when the graph or the run history changes: the panel keeps its viewport then.
   */
  | {
      readonly type: "graph";
      readonly graph: LineageGraph;
      readonly scope: LineageScope;
      readonly focus: string | undefined;
      readonly highlight: readonly string[];
      /**
       * The impact of uncommitted changes drawn over the graph (changed and impacted keys with
       * their tone; everything else dimmed); empty when the panel shows no impact.
       */
      readonly impact: readonly ImpactHighlight[];
      readonly follow: boolean;
      /**
       * Whether the workspace may run its code (trusted): in Restricted Mode the panel offers
       * no action that would (Materialize, Run Checks), with the reason, rather than a refusal after the click.
       */
      readonly canRunCode: boolean;
    }
  /** No graph can be shown (server stopped, request failed), in the user's words. */
  | { readonly type: "unavailable"; readonly message: string }
  /** The answer to `requestDetails`: the asset's columns and recent runs. */
  | { readonly type: "details"; readonly details: AssetDetails }
  /** `requestDetails` could not be answered for `key`, in the user's words. */
  | { readonly type: "detailsUnavailable"; readonly key: string; readonly message: string };

/** webview → host */
export type WebviewToHostMessage =
  /** The script is loaded and listening; sent once per page load, before anything else. */
  | { readonly type: "ready" }
  /** The user asked for another part of the graph (selection box, depth, show all, context menu). */
  | { readonly type: "setScope"; readonly scope: LineageScope }
  /** The user turned following the active editor's asset on or off. */
  | { readonly type: "setFollow"; readonly follow: boolean }
  /** The user double-clicked (or pressed Enter on) a node, or chose Open Definition. */
  | { readonly type: "openDefinition"; readonly key: string }
  /** The user chose an action from a node's context menu. */
  | { readonly type: "nodeAction"; readonly action: NodeAction; readonly key: string }
  /** The webview failed to lay out or draw the graph; the host logs it. */
  | { readonly type: "renderError"; readonly message: string }
  /** A node's details are shown: the host answers with `details` (again after status changes). */
  | { readonly type: "requestDetails"; readonly key: string };

const STATES: ReadonlySet<AssetState> = new Set<AssetState>([
  "failed",
  "never-materialized",
  "code-changed",
  "upstream-changed",
  "overdue",
  "fresh",
  "unknown",
]);
const NODE_KINDS: ReadonlySet<LineageNodeKind> = new Set<LineageNodeKind>(["asset", "source", "placeholder"]);

/** Validates a message the webview posted; undefined when it is not a WebviewToHostMessage. */
export function parseWebviewToHostMessage(raw: unknown): WebviewToHostMessage | undefined {
  const message = object(raw);
  if (!message) return undefined;
  switch (message.type) {
    case "ready":
      return { type: "ready" };
    case "setScope": {
      const scope = parseScope(message.scope);
      return scope ? { type: "setScope", scope } : undefined;
    }
    case "setFollow":
      return typeof message.follow === "boolean" ? { type: "setFollow", follow: message.follow } : undefined;
    case "openDefinition": {
      const key = nonEmpty(message.key);
      return key === undefined ? undefined : { type: "openDefinition", key };
    }
    case "nodeAction": {
      const key = nonEmpty(message.key);
      const action = NODE_ACTIONS.has(message.action as NodeAction) ? (message.action as NodeAction) : undefined;
      return key === undefined || !action ? undefined : { type: "nodeAction", action, key };
    }
    case "renderError": {
      const text = string(message.message);
      return text === undefined ? undefined : { type: "renderError", message: text };
    }
    case "requestDetails": {
      const key = nonEmpty(message.key);
      return key === undefined ? undefined : { type: "requestDetails", key };
    }
    default:
      return undefined;
  }
}

/** Validates a message the host posted; undefined when it is not a HostToWebviewMessage. */
export function parseHostToWebviewMessage(raw: unknown): HostToWebviewMessage | undefined {
  const message = object(raw);
  if (!message) return undefined;
  switch (message.type) {
    case "graph": {
      const graph = parseGraph(message.graph);
      const scope = parseScope(message.scope);
      const focus = optional(message.focus, string);
      const highlight = list(message.highlight, string);
      const impact = parseImpactHighlights(message.impact);
      if (!graph || !scope || focus === null || !highlight || !impact || typeof message.follow !== "boolean")
        return undefined;
      if (typeof message.canRunCode !== "boolean") return undefined;
      return {
        type: "graph",
        graph,
        scope,
        focus,
        highlight,
        impact,
        follow: message.follow,
        canRunCode: message.canRunCode,
      };
    }
    case "unavailable": {
      const text = string(message.message);
      return text === undefined ? undefined : { type: "unavailable", message: text };
    }
    case "details": {
      const details = parseAssetDetails(message.details);
      return details ? { type: "details", details } : undefined;
    }
    case "detailsUnavailable": {
      const key = nonEmpty(message.key);
      const text = string(message.message);
      return key === undefined || text === undefined ? undefined : { type: "detailsUnavailable", key, message: text };
    }
    default:
      return undefined;
  }
}

function parseScope(raw: unknown): LineageScope | undefined {
  const scope = object(raw);
  switch (scope?.kind) {
    case "focus": {
      const key = nonEmpty(scope.key);
      const upstream = depth(scope.upstream);
      const downstream = depth(scope.downstream);
      return key === undefined || upstream === undefined || downstream === undefined
        ? undefined
        : { kind: "focus", key, upstream, downstream };
    }
    case "selection": {
      const text = string(scope.text);
      return text === undefined ? undefined : { kind: "selection", text };
    }
    case "all":
      return { kind: "all" };
    default:
      return undefined;
  }
}

function depth(raw: unknown): number | undefined {
  return Number.isInteger(raw) && (raw as number) >= 0 && (raw as number) <= MAX_DEPTH ? (raw as number) : undefined;
}

function parseGraph(raw: unknown): LineageGraph | undefined {
  const graph = object(raw);
  if (!graph || typeof graph.version !== "number") return undefined;
  const nodes = list(graph.nodes, parseNode);
  const edges = list(graph.edges, parseEdge);
  const cycles = list(graph.cycles, (cycle) => list(cycle, string));
  const unmatched = list(graph.unmatched, string);
  const error = optional(graph.error, string);
  if (!nodes || !edges || !cycles || !unmatched || error === null) return undefined;
  return { version: graph.version, nodes, edges, cycles, unmatched, error };
}

function parseNode(raw: unknown): LineageNode | undefined {
  const node = object(raw);
  if (!node) return undefined;
  const key = string(node.key);
  const kind = NODE_KINDS.has(node.kind as LineageNodeKind) ? (node.kind as LineageNodeKind) : undefined;
  const group = optional(node.group, string);
  const owners = list(node.owners, string);
  const kinds = list(node.kinds, string);
  const description = optional(node.description, string);
  const location = optional(node.location, parseLocation);
  const checks = list(node.checks, parseCheck);
  const status = optional(node.status, parseStatus);
  if (key === undefined || !kind || group === null || !owners || !kinds || description === null) return undefined;
  if (location === null || !checks || status === null) return undefined;
  return { key, kind, group, owners, kinds, description, location, checks, status };
}

function parseEdge(raw: unknown): LineageEdge | undefined {
  const edge = object(raw);
  const from = string(edge?.from);
  const to = string(edge?.to);
  return from === undefined || to === undefined ? undefined : { from, to };
}

function parseCheck(raw: unknown): LineageCheck | undefined {
  const check = object(raw);
  const name = string(check?.name);
  const location = parseLocation(check?.location);
  if (!check || name === undefined || typeof check.blocking !== "boolean" || !location) return undefined;
  return { name, blocking: check.blocking, location };
}

function parseStatus(raw: unknown): AssetStatus | undefined {
  const status = object(raw);
  if (!status) return undefined;
  const key = string(status.key);
  const state = STATES.has(status.state as AssetState) ? (status.state as AssetState) : undefined;
  const reason = string(status.reason);
  const lastMaterializedAt = optional(status.lastMaterializedAt, number);
  const lastFailedAt = optional(status.lastFailedAt, number);
  const checks = list(status.checks, parseCheckSummary);
  if (
    key === undefined ||
    !state ||
    reason === undefined ||
    lastMaterializedAt === null ||
    lastFailedAt === null ||
    !checks
  )
    return undefined;
  return { key, state, reason, lastMaterializedAt, lastFailedAt, checks };
}

function parseCheckSummary(raw: unknown): CheckSummary | undefined {
  const check = object(raw);
  const name = string(check?.name);
  if (!check || name === undefined) return undefined;
  const passed = check.passed === undefined ? undefined : typeof check.passed === "boolean" ? check.passed : null;
  const evaluatedAt = optional(check.evaluatedAt, number);
  if (passed === null || evaluatedAt === null) return undefined;
  return { name, passed, evaluatedAt };
}

/** An LSP Location: a URI string and a range of non-negative integers. */
function parseLocation(raw: unknown): LineageNode["location"] {
  const location = object(raw);
  const uri = string(location?.uri);
  const range = object(location?.range);
  const start = parsePosition(range?.start);
  const end = parsePosition(range?.end);
  return uri === undefined || !start || !end ? undefined : { uri, range: { start, end } };
}

function parsePosition(raw: unknown): { line: number; character: number } | undefined {
  const position = object(raw);
  const line = position?.line;
  const character = position?.character;
  return Number.isInteger(line) && Number.isInteger(character) && (line as number) >= 0 && (character as number) >= 0
    ? { line: line as number, character: character as number }
    : undefined;
}
