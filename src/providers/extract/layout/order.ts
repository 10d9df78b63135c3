/**
 * Third step of the page layout: blocks are put in reading order and grouped into flows (a
 * column's consecutive blocks). The order is a topological sort (after Breuel, "High Performance
 * Document Layout Analysis", 2003): a block comes after the blocks above it that overlap it
 * horizontally, and after the blocks wholly to its left unless a block between them says
 * otherwise; tables (blocks aligned on a grid) are read row by row. Pure. All coordinates are
 * in the frame of the page's primary rotation.
 */

export interface OrderBox {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  fontSize: number;
}

/** Max vertical gap between consecutive blocks of one flow, as a multiple of the upper block's font size. */
const MAX_BLOCK_SPACING = 2.5;
/** Alignment tolerances for table detection, as fractions of the smallest font size. */
const TABLE_X = 0.7;
const TABLE_Y = 0.5;

interface Node {
  box: OrderBox;
  index: number;
  /** Room on the left and right: up to the nearest block beside it. */
  priMin: number;
  priMax: number;
  /** Extended box for the ordering rules. */
  ex: { xMin: number; xMax: number; yMin: number; yMax: number };
  table: number;
}

const overlapsY = (a: OrderBox, b: OrderBox) => a.yMin <= b.yMax && a.yMax >= b.yMin;
const overlapsX = (a: OrderBox, b: OrderBox) => a.xMin <= b.xMax && a.xMax >= b.xMin;

/**
 * Orders blocks for reading and splits them into flows.
 * @param pageMin,pageMax the page's extent along the lines (x) in this frame.
 * @returns flows, each a list of indexes into `boxes`.
 */
export function readingOrder(boxes: readonly OrderBox[], pageMin: number, pageMax: number): number[][] {
  const nodes: Node[] = boxes.map((box, index) => ({ box, index, priMin: pageMin, priMax: pageMax, ex: { ...box }, table: -1 }));
  for (const n of nodes) roomBeside(n, nodes);
  detectTables(nodes);
  extendBoxes(nodes);
  const sorted = topoSort(nodes);
  return flows(sorted);
}

/** How far a block's lines could extend left and right without running into a block beside it. */
function roomBeside(n: Node, all: readonly Node[]): void {
  const b = n.box;
  for (const o of all) {
    if (o === n) continue;
    const ob = o.box;
    if (!(ob.yMin < b.yMax && ob.yMax > b.yMin)) continue;
    if (ob.xMin < b.xMin) n.priMin = Math.max(n.priMin, Math.min(ob.xMax, b.xMin));
    if (ob.xMax > b.xMax) n.priMax = Math.min(n.priMax, Math.max(ob.xMin, b.xMax));
  }
}

/** Marks blocks that form a grid with their right, lower and lower-right neighbours as one table. */
function detectTables(nodes: Node[]): void {
  let tables = 0;
  for (const n of nodes) {
    const b = n.box;
    let right: Node | undefined;
    let below: Node | undefined;
    let diag: Node | undefined;
    for (const o of nodes) {
      if (o === n) continue;
      const ob = o.box;
      if (overlapsY(ob, b) && ob.xMin > b.xMax && (!right || ob.xMin < right.box.xMin)) right = o;
      else if (overlapsX(ob, b) && ob.yMin > b.yMax && (!below || ob.yMin < below.box.yMin)) below = o;
      else if (ob.xMin > b.xMax && ob.yMin > b.yMax && (!diag || (ob.xMin < diag.box.xMin && ob.yMin < diag.box.yMin))) diag = o;
    }
    if (!right || !below || !diag) continue;
    const r = right.box;
    const d = below.box;
    const g = diag.box;
    const consistent = !overlapsX(d, g) && !overlapsY(r, g) && !overlapsX(r, d) && !overlapsY(r, d) && overlapsX(g, r) && overlapsY(g, d);
    if (!consistent) continue;
    const fs = Math.min(b.fontSize, r.fontSize, d.fontSize, g.fontSize);
    const dx = fs * TABLE_X;
    const dy = fs * TABLE_Y;
    const cx = (o: OrderBox) => (o.xMin + o.xMax) / 2;
    const cy = (o: OrderBox) => (o.yMin + o.yMax) / 2;
    let alignedX = 0;
    let alignedY = 0;
    if (Math.abs(cx(b) - cx(d)) <= dx && Math.abs(cx(r) - cx(g)) <= dx) alignedX++;
    if (Math.abs(cy(b) - cy(r)) <= dy && Math.abs(cy(d) - cy(g)) <= dy) alignedY++;
    if (Math.abs(b.xMin - d.xMin) <= dx && Math.abs(r.xMin - g.xMin) <= dx) alignedX++;
    if (Math.abs(b.xMax - d.xMax) <= dx && Math.abs(r.xMax - g.xMax) <= dx) alignedX++;
    if (Math.abs(b.yMin - r.yMin) <= dy && Math.abs(d.yMin - g.yMin) <= dy) alignedY++;
    if (Math.abs(b.yMax - r.yMax) <= dy && Math.abs(d.yMax - g.yMax) <= dy) alignedY++;
    if (alignedX === 0 || alignedY === 0) continue;
    let id = Math.max(n.table, right.table, below.table, diag.table);
    if (id < 0) id = tables++;
    for (const m of [n, right, below, diag]) m.table = id;
  }
  // A table's cells are compared with other blocks by the whole table's box.
  const envelopes = new Map<number, Node['ex']>();
  for (const n of nodes) {
    if (n.table < 0) continue;
    const e = envelopes.get(n.table);
    if (!e) envelopes.set(n.table, { ...n.ex });
    else {
      e.xMin = Math.min(e.xMin, n.ex.xMin);
      e.xMax = Math.max(e.xMax, n.ex.xMax);
      e.yMin = Math.min(e.yMin, n.ex.yMin);
      e.yMax = Math.max(e.yMax, n.ex.yMax);
    }
  }
  for (const n of nodes) if (n.table >= 0) n.ex = { ...(envelopes.get(n.table) as Node['ex']) };
}

/** Widens each non-table block over the blocks below it, up to its neighbours beside it. */
function extendBoxes(nodes: Node[]): void {
  for (const n of nodes) {
    if (n.table >= 0) continue;
    const b = n.box;
    let right = Number.POSITIVE_INFINITY;
    let left = Number.NEGATIVE_INFINITY;
    for (const o of nodes) {
      if (o === n || !overlapsY(b, o.box)) continue;
      if (o.box.xMin > b.xMax) right = Math.min(right, o.box.xMin);
      if (o.box.xMax < b.xMin) left = Math.max(left, o.box.xMax);
    }
    for (const o of nodes) {
      if (o === n || o.box.yMin < b.yMax) continue;
      if (o.box.xMax > n.ex.xMax && o.box.xMax <= right) n.ex.xMax = o.box.xMax;
      if (o.box.xMin < n.ex.xMin && o.box.xMin >= left) n.ex.xMin = o.box.xMin;
    }
  }
}

/**
 * Boxes that only touch (within this many units) do not overlap: glyph advances from pdf.js can be
 * a hundredth of a point off pdftotext's, and typewriter layouts put columns edge to edge.
 */
const TOUCH = 0.05;

/** Rule 1: `a` is above `b` and they overlap horizontally. */
function aboveOverlapping(a: Node, b: Node): boolean {
  const overlap = (a.ex.xMin <= b.ex.xMin && b.ex.xMin < a.ex.xMax - TOUCH) || (b.ex.xMin <= a.ex.xMin && a.ex.xMin < b.ex.xMax - TOUCH);
  return overlap && a.ex.yMin < b.ex.yMin;
}

/** Rule 2: `a` is wholly to the left of `b`. */
const leftOf = (a: Node, b: Node) => a.ex.xMax <= b.ex.xMin + TOUCH;

/** Whether `a` is read before `b`; `under(b)` lists the blocks that b is above (rule 1). */
function before(a: Node, b: Node, under: (n: Node) => readonly Node[]): boolean {
  if (b.table >= 0 && a.table === b.table) {
    if (a.box.xMax <= b.box.xMin && a.box.yMin <= b.box.yMax && a.box.yMax >= b.box.yMin) return true;
    return a.box.yMax <= b.box.yMin;
  }
  if (aboveOverlapping(a, b)) return true;
  if (!leftOf(a, b)) return false;
  // Not when some block lies below b and above a (b's column continues under a's).
  return !under(b).some((c) => c !== a && aboveOverlapping(c, a));
}

function topoSort(nodes: Node[]): Node[] {
  const visited = new Set<Node>();
  const out: Node[] = [];
  const cache = new Map<Node, Node[]>();
  const under = (n: Node) => {
    let list = cache.get(n);
    if (!list) {
      list = nodes.filter((c) => c !== n && aboveOverlapping(n, c));
      cache.set(n, list);
    }
    return list;
  };
  const visit = (n: Node) => {
    visited.add(n);
    for (const o of nodes) if (!visited.has(o) && before(o, n, under)) visit(o);
    out.push(n);
  };
  for (const n of nodes) if (!visited.has(n)) visit(n);
  return out;
}

/** Consecutive blocks form one flow while each sits just below the previous one, within its room, in no larger font. */
function flows(sorted: readonly Node[]): number[][] {
  const out: number[][] = [];
  let flow: { first: Node; last: Node; members: number[] } | undefined;
  for (const n of sorted) {
    if (flow) {
      const prev = flow.last;
      const b = n.box;
      const gapOk = b.yMin - prev.box.yMax <= MAX_BLOCK_SPACING * prev.box.fontSize;
      const below = b.xMin >= prev.priMin && b.xMax <= prev.priMax && b.yMin > prev.box.yMin;
      const fits = b.fontSize <= prev.box.fontSize && b.xMin >= flow.first.priMin && b.xMax <= flow.first.priMax;
      if (gapOk && below && fits) {
        flow.members.push(n.index);
        flow.last = n;
        continue;
      }
    }
    flow = { first: n, last: n, members: [n.index] };
    out.push(flow.members);
  }
  return out;
}
