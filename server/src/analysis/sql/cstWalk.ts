/**
 * The one walk over sql-parser-cst trees (and the fast path's trees of the same shape) that the
 * table and column walkers share. Like scan/syntaxWalk.ts's forEachDescendant for TypeScript it
 * uses an explicit stack: a long AND/OR chain is a left-deep tree thousands of levels deep, which
 * a recursive walk cannot follow. It lives apart from syntaxWalk.ts so that sql/ never loads
 * ts-morph (SQL can then be read where the TypeScript compiler is not wanted).
 */

/** Loose view of a CST node: only `type`, `range` and field names documented by sql-parser-cst are relied on. */
export interface CstNode {
  type: string;
  range?: [number, number];
  [field: string]: unknown;
}

/**
 * What the walk does below a node: `undefined` walks all its fields (in no particular order);
 * a list walks those values in order, each a node, an array of them, anything else (ignored),
 * or a step: a function called at its turn, after the subtrees of the values before it, whose
 * returned list (if any) is walked next.
 */
export type CstNext = readonly unknown[] | undefined;

/** A step of the walk: runs at its turn; what it returns is walked next. */
export type CstStep = () => readonly unknown[] | void;

/** Walk nothing below this node. */
export const NOTHING: readonly unknown[] = Object.freeze([]);

/** Fields that never hold a child: whitespace and comments (`leading`, `trailing`) included. */
const SKIPPED_FIELDS = new Set(["type", "range", "leading", "trailing"]);

export function isCstNode(value: unknown): value is CstNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** Calls `visit` on every node reachable from `root` that the visits before it let the walk reach. */
export function forEachCstNode(root: unknown, visit: (node: CstNode) => CstNext): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    let next: CstNext | void;
    if (typeof value === "function") {
      next = (value as CstStep)();
    } else if (Array.isArray(value)) {
      for (let k = value.length - 1; k >= 0; k--) stack.push(value[k]);
      continue;
    } else if (isCstNode(value)) {
      next = visit(value);
      if (next === undefined) {
        for (const field in value) if (!SKIPPED_FIELDS.has(field)) stack.push(value[field]);
        continue;
      }
    }
    if (next) for (let k = next.length - 1; k >= 0; k--) stack.push(next[k]);
  }
}

/** The values of a node's child fields, `except` one: for a visit that adds to what the walk does by default. */
export function childrenOf(node: CstNode, except?: string): unknown[] {
  const children: unknown[] = [];
  for (const field in node) if (!SKIPPED_FIELDS.has(field) && field !== except) children.push(node[field]);
  return children;
}
