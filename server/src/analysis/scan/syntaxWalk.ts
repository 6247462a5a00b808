import { ts } from "../typescript";

/**
 * Calls `visit` on `root` and every node below it, in source order (pre-order), with an
 * explicit stack: user syntax can nest 100,000 levels deep (a long string concatenation is a
 * left-deep tree), which a recursive walk cannot follow.
 */
export function forEachDescendant(root: ts.Node, visit: (node: ts.Node) => void): void {
  const stack: ts.Node[] = [root];
  const push = (child: ts.Node): undefined => {
    stack.push(child);
    return undefined; // a truthy return would stop forEachChild
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const first = stack.length;
    ts.forEachChild(node, push);
    reverseFrom(stack, first);
  }
}

/** Reverses `items[from..]` in place: children are pushed in source order, and the stack pops from the end. */
export function reverseFrom<T>(items: T[], from: number): void {
  for (let low = from, high = items.length - 1; low < high; low++, high--) {
    const swap = items[low]!;
    items[low] = items[high]!;
    items[high] = swap;
  }
}
