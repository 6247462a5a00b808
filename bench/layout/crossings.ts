/**
 * Edge crossings of a drawing: pairs of edges whose drawn polylines properly intersect (touching
 * at a shared endpoint or running along each other, as merged orthogonal routes do, is not a
 * crossing). Segments are bucketed in a uniform grid, so 10,000 edges take a second, not minutes.
 */
export type Polyline = readonly { readonly x: number; readonly y: number }[];

interface Segment {
  readonly edge: number;
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
}

export function countCrossings(edges: readonly Polyline[]): number {
  const segments: Segment[] = [];
  edges.forEach((points, edge) => {
    for (let i = 0; i + 1 < points.length; i++)
      segments.push({ edge, ax: points[i]!.x, ay: points[i]!.y, bx: points[i + 1]!.x, by: points[i + 1]!.y });
  });
  if (segments.length === 0) return 0;
  const xs = segments.flatMap((s) => [s.ax, s.bx]);
  const ys = segments.flatMap((s) => [s.ay, s.by]);
  // reduce, not Math.min(...): a spread of every point overflows the call stack at 5,000 nodes.
  const minX = xs.reduce((a, b) => Math.min(a, b), Infinity);
  const minY = ys.reduce((a, b) => Math.min(a, b), Infinity);
  const maxX = xs.reduce((a, b) => Math.max(a, b), -Infinity);
  const maxY = ys.reduce((a, b) => Math.max(a, b), -Infinity);
  const cell = Math.max(32, Math.sqrt(((maxX - minX + 1) * (maxY - minY + 1)) / segments.length) * 2);
  const grid = new Map<string, number[]>();
  segments.forEach((s, index) => {
    for (
      let cx = Math.floor((Math.min(s.ax, s.bx) - minX) / cell);
      cx <= Math.floor((Math.max(s.ax, s.bx) - minX) / cell);
      cx++
    ) {
      for (
        let cy = Math.floor((Math.min(s.ay, s.by) - minY) / cell);
        cy <= Math.floor((Math.max(s.ay, s.by) - minY) / cell);
        cy++
      ) {
        const key = `${cx},${cy}`;
        const list = grid.get(key);
        if (list) list.push(index);
        else grid.set(key, [index]);
      }
    }
  });
  const crossing = new Set<string>();
  for (const list of grid.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const s = segments[list[i]!]!;
        const t = segments[list[j]!]!;
        if (s.edge === t.edge) continue;
        const pair = s.edge < t.edge ? `${s.edge},${t.edge}` : `${t.edge},${s.edge}`;
        if (!crossing.has(pair) && properlyIntersect(s, t)) crossing.add(pair);
      }
    }
  }
  return crossing.size;
}

function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const value = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return Math.abs(value) < 1e-9 ? 0 : Math.sign(value);
}

function properlyIntersect(s: Segment, t: Segment): boolean {
  const o1 = orientation(s.ax, s.ay, s.bx, s.by, t.ax, t.ay);
  const o2 = orientation(s.ax, s.ay, s.bx, s.by, t.bx, t.by);
  const o3 = orientation(t.ax, t.ay, t.bx, t.by, s.ax, s.ay);
  const o4 = orientation(t.ax, t.ay, t.bx, t.by, s.bx, s.by);
  return o1 * o2 < 0 && o3 * o4 < 0;
}
