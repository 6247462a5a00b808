/**
 * The asset selection syntax (Dagster/dbt-like), parsed into a typed AST, then evaluated
 * against an AssetGraph. Pure: no I/O.
 *
 *   selection := term ( [ ,\s]+ term )*         a union of terms
 *   term      := [N]"+"? target "+"[N]?          "+" left: upstream, right: downstream
 *   target    := "*" | key | group:x | owner:y | kind:z | tag:k | tag:k=v
 *
 * `+key` is key and ALL its ancestors, `2+key` key and its ancestors up to 2 levels up,
 * `key+` / `key+1` the same downstream, `+key+` both ways (dbt semantics). Owner values
 * may contain ":" ("owner:team:analytics"); attribute values are compared exactly.
 */
import { InvalidAssetKeyError, AssetKey } from "./assetKey";
import type { AssetDefinition } from "./definitions";
import type { AssetGraph } from "./graph";

/** How far a term extends: 0 = not at all, N = up to N levels, "all" = every level. */
export type SelectionDepth = number | "all";

export type SelectionAttribute = "group" | "owner" | "kind";

/** What a term matches before its "+" operators are applied. */
export type SelectionTarget =
  | { readonly type: "all" }
  | { readonly type: "key"; readonly key: string }
  | { readonly type: "attribute"; readonly attribute: SelectionAttribute; readonly value: string }
  /** `value` undefined: any asset that has the tag, whatever its value. */
  | { readonly type: "tag"; readonly tag: string; readonly value: string | undefined };

export interface SelectionTerm {
  /** The term as the user wrote it, for messages. */
  readonly text: string;
  readonly target: SelectionTarget;
  readonly upstream: SelectionDepth;
  readonly downstream: SelectionDepth;
}

/** A parsed selection: the union of its terms. */
export interface Selection {
  readonly terms: readonly SelectionTerm[];
}

export type ParseSelectionResult =
  { readonly ok: true; readonly selection: Selection } | { readonly ok: false; readonly error: string };

/**
 * A selection resolved against a graph, as every command and the language server use it:
 * either the keys, or one message saying what is wrong (bad syntax, or terms that select
 * nothing: a misspelt key selects nothing, and running or showing "nothing" silently would hide it).
 */
export type ResolvedSelection =
  | { readonly ok: true; readonly keys: string[] }
  | {
      readonly ok: false;
      /** One line in the user's words, quoting what they wrote (capped). */
      readonly error: string;
      /** The terms that selected nothing, as written; empty for a syntax error. */
      readonly unmatched: readonly string[];
    };

export interface SelectionResult {
  /** The selected keys in stable topological order; placeholders never included. */
  readonly keys: string[];
  /** The terms (as written) that selected nothing, in the order written. */
  readonly unmatched: string[];
}

const ATTRIBUTES: readonly string[] = ["group", "owner", "kind", "tag"];
const EXPECTED_ATTRIBUTES = "expected group:, owner:, kind: or tag:";
const TERM_SEPARATOR = /[\s,]+/;
/** Optional "[N]+" prefix, the target, optional "+[N]" suffix. */
const TERM_SHAPE = /^(?:(\d*)\+)?(.*?)(?:\+(\d*))?$/s;

class SelectionSyntaxError extends Error {}

/** Parses selection text; on failure `error` says which term is wrong and what to write. */
export function parseSelection(text: string): ParseSelectionResult {
  const termTexts = text.split(TERM_SEPARATOR).filter((term) => term.length > 0);
  if (termTexts.length === 0) {
    return { ok: false, error: `the selection is empty; write a key, "*", group:x, owner:y or kind:z` };
  }
  try {
    return { ok: true, selection: { terms: termTexts.map(parseTerm) } };
  } catch (error) {
    if (error instanceof SelectionSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

function parseTerm(text: string): SelectionTerm {
  const shape = TERM_SHAPE.exec(text)!;
  const [, upstreamDigits, body, downstreamDigits] = shape;
  if (body.length === 0) {
    throw new SelectionSyntaxError(`${quoted(text)} has "+" but nothing to select; write e.g. "+stg_orders"`);
  }
  if (body.startsWith("+") || body.endsWith("+")) {
    throw new SelectionSyntaxError(
      `${quoted(text)} has more than one "+" on one side; write "+key", "key+" or "2+key"`,
    );
  }
  return {
    text,
    target: parseTarget(body, text),
    upstream: depthOf(upstreamDigits),
    downstream: depthOf(downstreamDigits),
  };
}

/** undefined: no "+"; "": "+" alone (every level); digits: that many levels. */
function depthOf(digits: string | undefined): SelectionDepth {
  if (digits === undefined) return 0;
  return digits === "" ? "all" : Number.parseInt(digits, 10);
}

function parseTarget(body: string, term: string): SelectionTarget {
  if (body === "*") return { type: "all" };
  const colon = body.indexOf(":");
  if (colon === -1) return { type: "key", key: parseKey(body, term) };
  const attribute = body.slice(0, colon);
  const value = body.slice(colon + 1);
  if (!ATTRIBUTES.includes(attribute)) {
    const named = quoted(`${attribute}:`);
    throw new SelectionSyntaxError(`unknown attribute ${named} in ${quoted(term)}; ${EXPECTED_ATTRIBUTES}`);
  }
  if (value.length === 0) {
    const example = `${attribute}:${exampleOf(attribute)}`;
    throw new SelectionSyntaxError(`"${attribute}:" needs a value in ${quoted(term)}, e.g. ${example}`);
  }
  if (attribute !== "tag") return { type: "attribute", attribute: attribute as SelectionAttribute, value };
  const equals = value.indexOf("=");
  if (equals === -1) return { type: "tag", tag: value, value: undefined };
  const tag = value.slice(0, equals);
  if (tag.length === 0) {
    throw new SelectionSyntaxError(`${quoted(term)} needs a tag name before "=", e.g. tag:tier=gold`);
  }
  return { type: "tag", tag, value: value.slice(equals + 1) };
}

function parseKey(body: string, term: string): string {
  try {
    return AssetKey.fromUserString(body).toUserString();
  } catch (error) {
    if (!(error instanceof InvalidAssetKeyError)) throw error;
    const hint = body.includes("*") ? `; "*" only works alone, to select every asset` : "";
    throw new SelectionSyntaxError(`${quoted(term)} is not a valid key: ${error.reason}${hint}`);
  }
}

function exampleOf(attribute: string): string {
  switch (attribute) {
    case "group":
      return "staging";
    case "owner":
      return "team:analytics";
    case "kind":
      return "sqlite";
    default:
      return "tier=gold";
  }
}

/** True when the asset has the attribute or tag the target names. */
function definitionMatches(target: SelectionTarget, definition: AssetDefinition): boolean {
  switch (target.type) {
    case "all":
      return true;
    case "key":
      return definition.key === target.key;
    case "attribute":
      if (target.attribute === "group") return definition.group === target.value;
      if (target.attribute === "owner") return definition.owners.includes(target.value);
      return definition.kinds.includes(target.value);
    case "tag":
      if (!Object.prototype.hasOwnProperty.call(definition.tags, target.tag)) return false;
      return target.value === undefined || definition.tags[target.tag] === target.value;
  }
}

/** The defined keys a target matches before "+" is applied. */
function baseKeys(graph: AssetGraph, target: SelectionTarget): string[] {
  if (target.type === "key") return graph.has(target.key) ? [target.key] : [];
  return graph.keys().filter((key) => {
    const definition = graph.definition(key);
    return definition !== undefined && definitionMatches(target, definition);
  });
}

function levels(depth: SelectionDepth): number | undefined {
  return depth === "all" ? undefined : depth;
}

/** The keys one term selects, placeholders included (they are removed by the caller). */
function termKeys(graph: AssetGraph, term: SelectionTerm): Set<string> {
  if (term.target.type === "all") return new Set(graph.keys());
  const base = baseKeys(graph, term.target);
  const selected = new Set(base);
  // Traversal goes through placeholders, so "missing+" still selects what depends on it.
  if (term.upstream !== 0) for (const key of graph.withAncestors(base, levels(term.upstream))) selected.add(key);
  if (term.downstream !== 0) for (const key of graph.withDescendants(base, levels(term.downstream))) selected.add(key);
  return selected;
}

/**
 * Evaluates a selection: the union of its terms, in stable topological order. Placeholder
 * nodes (referenced, never defined) are never selected, since there is nothing to run;
 * sources are kept, and the executor decides what running one means. A term is unmatched
 * when it selects no defined key, e.g. a misspelt key or an empty group.
 */
export function selectKeys(graph: AssetGraph, selection: Selection): SelectionResult {
  const union = new Set<string>();
  const unmatched: string[] = [];
  for (const term of selection.terms) {
    let matchedAny = false;
    for (const key of termKeys(graph, term)) {
      if (graph.isPlaceholder(key)) continue;
      matchedAny = true;
      union.add(key);
    }
    if (!matchedAny) unmatched.push(term.text);
  }
  return { keys: graph.toposort(union), unmatched };
}

/** Parses `text` and evaluates it on `graph`; a term that selects nothing is an error. */
export function resolveSelection(graph: AssetGraph, text: string): ResolvedSelection {
  const parsed = parseSelection(text);
  if (!parsed.ok) return { ok: false, error: parsed.error, unmatched: [] };
  const { keys, unmatched } = selectKeys(graph, parsed.selection);
  if (unmatched.length > 0) return { ok: false, error: unmatchedMessage(unmatched), unmatched };
  return { ok: true, keys };
}

/** Terms named in one message; the rest are counted. */
const MAX_TERMS_SHOWN = 5;
/** A pasted 100 KB selection must not come back as a 100 KB message. */
const MAX_QUOTED_CHARS = 80;

/** "nothing matches "a", "b" and 3 more terms". */
export function unmatchedMessage(unmatched: readonly string[]): string {
  const shown = unmatched.slice(0, MAX_TERMS_SHOWN).map(quoted).join(", ");
  const rest = unmatched.length - MAX_TERMS_SHOWN;
  return `nothing matches ${shown}${rest > 0 ? ` and ${rest} more term${rest === 1 ? "" : "s"}` : ""}`;
}

/** The user's text in quotes, cut with an ellipsis when long. */
function quoted(text: string): string {
  const chars = [...text];
  return chars.length <= MAX_QUOTED_CHARS ? `"${text}"` : `"${chars.slice(0, MAX_QUOTED_CHARS - 1).join("")}…"`;
}
