/**
 * Graph algorithms on integer nodes, the engine under AssetGraph. A node is its rank in
 * the sorted key list, so "alphabetically smallest" is "smallest integer" and sorted
 * answers are numeric sorts. Everything is iterative and typed-array based: 15,000
 * nodes build and sort in a few milliseconds and no walk can overflow the call stack.
 */

/**
 * Adjacency in compressed sparse rows: node i's neighbours are
 * targets[offsets[i] .. offsets[i+1]), ascending and without repeats. One pair of typed
 * arrays instead of one array per node keeps building free of per-node allocations.
 */
export interface Adjacency {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/** Adjacency of the edges from[e] → to[e]; an edge given twice is kept once. */
export function buildAdjacency(nodeCount: number, from: Int32Array, to: Int32Array): Adjacency {
  const identity = new Int32Array(from.length);
  for (let edge = 0; edge < identity.length; edge++) identity[edge] = edge;
  // Two stable counting sorts (by target, then by source) leave each row's targets ascending.
  const bySource = countingSort(nodeCount, from, countingSort(nodeCount, to, identity));
  const offsets = new Int32Array(nodeCount + 1);
  const targets = new Int32Array(from.length);
  let written = 0;
  let row = 0;
  for (let i = 0; i < bySource.length; i++) {
    const edge = bySource[i];
    const source = from[edge];
    while (row < source) offsets[++row] = written;
    if (written > offsets[row] && targets[written - 1] === to[edge]) continue;
    targets[written++] = to[edge];
  }
  while (row < nodeCount) offsets[++row] = written;
  return { offsets, targets: targets.slice(0, written) };
}

/** The edge ids `order`, stably re-ordered by `keyOf[edge]`. */
function countingSort(nodeCount: number, keyOf: Int32Array, order: Int32Array): Int32Array {
  const starts = new Int32Array(nodeCount + 1);
  for (let i = 0; i < order.length; i++) starts[keyOf[order[i]] + 1]++;
  for (let i = 0; i < nodeCount; i++) starts[i + 1] += starts[i];
  const sorted = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) sorted[starts[keyOf[order[i]]]++] = order[i];
  return sorted;
}

/** The neighbours of `node`, ascending (a view, not a copy). */
export function rowOf(adjacency: Adjacency, node: number): Int32Array {
  return adjacency.targets.subarray(adjacency.offsets[node], adjacency.offsets[node + 1]);
}

/** Sorts numerically and drops repeats (in place when there are none). */
export function sortedUnique(values: Int32Array): Int32Array {
  if (values.length < 2) return values;
  values.sort();
  let kept = 1;
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== values[kept - 1]) values[kept++] = values[i];
  }
  return kept === values.length ? values : values.slice(0, kept);
}

/**
 * Breadth-first walk from `starts` along `adjacency`, at most `maxDepth` levels
 * (Infinity: all); the nodes reached, ascending. Depth counts the shortest path.
 */
export function reachable(
  nodeCount: number,
  { offsets, targets }: Adjacency,
  starts: ArrayLike<number>,
  maxDepth: number,
  includeStarts: boolean,
): Int32Array {
  const seen = new Uint8Array(nodeCount);
  const reached: number[] = [];
  let frontier: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    if (seen[starts[i]]) continue;
    seen[starts[i]] = 1;
    frontier.push(starts[i]);
    if (includeStarts) reached.push(starts[i]);
  }
  for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
    const next: number[] = [];
    for (const node of frontier) {
      for (let edge = offsets[node]; edge < offsets[node + 1]; edge++) {
        const neighbour = targets[edge];
        if (seen[neighbour]) continue;
        seen[neighbour] = 1;
        reached.push(neighbour);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  return Int32Array.from(reached).sort();
}

/** A binary min-heap of nodes: Kahn's "smallest ready node first". */
class MinNodeHeap {
  private readonly items: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  push(node: number): void {
    const items = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= node) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = node;
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && items[child + 1] < items[child]) child++;
      if (items[child] >= last) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * Kahn's algorithm over `members` (ascending, unique) and their ancestors, smallest ready
 * member first. Non-members are released as soon as they are ready, before the next
 * member is chosen, so a member waits exactly for its member ancestors (also through
 * non-members) and nodes outside the request never disturb the order. Members that never
 * become ready (in or after a cycle) follow, ascending.
 */
export function topologicalOrder(
  nodeCount: number,
  parents: Adjacency,
  children: Adjacency,
  members: Int32Array,
): Int32Array {
  const isMember = new Uint8Array(nodeCount);
  for (let i = 0; i < members.length; i++) isMember[members[i]] = 1;
  const closure = reachable(nodeCount, parents, members, Number.POSITIVE_INFINITY, true);
  const inClosure = new Uint8Array(nodeCount);
  const pendingParents = new Int32Array(nodeCount);
  for (let i = 0; i < closure.length; i++) {
    const node = closure[i];
    inClosure[node] = 1;
    pendingParents[node] = parents.offsets[node + 1] - parents.offsets[node];
  }
  const readyMembers = new MinNodeHeap(members.length);
  const readyOthers: number[] = [];
  const release = (node: number) => (isMember[node] ? readyMembers.push(node) : readyOthers.push(node));
  for (let i = 0; i < closure.length; i++) if (pendingParents[closure[i]] === 0) release(closure[i]);

  const order = new Int32Array(members.length);
  const placed = new Uint8Array(nodeCount);
  let emitted = 0;
  for (;;) {
    let node: number;
    if (readyOthers.length > 0) node = readyOthers.pop()!;
    else if (readyMembers.size > 0) node = order[emitted++] = readyMembers.pop();
    else break;
    placed[node] = 1;
    for (let edge = children.offsets[node]; edge < children.offsets[node + 1]; edge++) {
      const child = children.targets[edge];
      if (inClosure[child] && --pendingParents[child] === 0) release(child);
    }
  }
  for (let i = 0; i < members.length; i++) if (!placed[members[i]]) order[emitted++] = members[i];
  return order;
}

/**
 * The strongly connected components that contain a cycle (more than one node, or a
 * self-loop), each ascending, sorted by smallest member. Iterative Tarjan: an explicit
 * call stack instead of recursion, so a 15,000-node chain is no problem.
 */
export function cyclicComponents(nodeCount: number, children: Adjacency): Int32Array[] {
  const { offsets, targets } = children;
  const discovery = new Int32Array(nodeCount).fill(-1);
  const lowLink = new Int32Array(nodeCount);
  const onStack = new Uint8Array(nodeCount);
  const stack = new Int32Array(nodeCount);
  const callNode = new Int32Array(nodeCount);
  const callEdge = new Int32Array(nodeCount);
  let stackSize = 0;
  let callDepth = 0;
  let counter = 0;
  const components: Int32Array[] = [];
  const enter = (node: number) => {
    discovery[node] = lowLink[node] = counter++;
    stack[stackSize++] = node;
    onStack[node] = 1;
    callNode[callDepth] = node;
    callEdge[callDepth++] = offsets[node];
  };
  for (let root = 0; root < nodeCount; root++) {
    if (discovery[root] !== -1) continue;
    enter(root);
    while (callDepth > 0) {
      const node = callNode[callDepth - 1];
      if (callEdge[callDepth - 1] < offsets[node + 1]) {
        const child = targets[callEdge[callDepth - 1]++];
        if (discovery[child] === -1) enter(child);
        else if (onStack[child]) lowLink[node] = Math.min(lowLink[node], discovery[child]);
        continue;
      }
      callDepth--;
      if (callDepth > 0) {
        const caller = callNode[callDepth - 1];
        lowLink[caller] = Math.min(lowLink[caller], lowLink[node]);
      }
      if (lowLink[node] !== discovery[node]) continue;
      let start = stackSize;
      do start--;
      while (stack[start] !== node);
      const component = stack.slice(start, stackSize).sort();
      for (const member of component) onStack[member] = 0;
      stackSize = start;
      if (component.length > 1 || rowOf(children, node).includes(node)) components.push(component);
    }
  }
  return components.sort((a, b) => a[0] - b[0]);
}

/**
 * The shortest cycle from the component's smallest member back to itself, staying in the
 * component; breadth-first over ascending rows, so ties go to the alphabetically first path.
 */
export function shortestCycleThrough(children: Adjacency, component: Int32Array): Int32Array {
  const start = component[0];
  const inComponent = new Set(component);
  const previous = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const child of rowOf(children, node)) {
      if (child === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.push(at);
        path.push(start);
        return Int32Array.from(path.reverse());
      }
      if (!inComponent.has(child) || previous.has(child)) continue;
      previous.set(child, node);
      queue.push(child);
    }
  }
  throw new Error("internal: a cyclic component has no cycle through its smallest member");
}
