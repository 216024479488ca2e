/**
 * Geometry of a zone: whether a point is inside its polygon, and how far it is
 * from the polygon's border, so that membership can have hysteresis (a foot
 * point standing on the border never flickers in and out).
 *
 * Points are normalized frame coordinates (x right, y down, 0..1). The
 * polygon is closed implicitly (last point back to the first) and may be
 * convex or not; self-intersecting polygons follow the even-odd rule.
 */
import type { Point } from "../track/box-math.ts";

/** Where a point lies relative to a zone, with the band around its border as "border". */
export type ZoneSide = "in" | "out" | "border";

/** True when `p` is inside the polygon (even-odd ray casting; points exactly on an edge may go either way). */
export function insidePolygon(points: readonly Point[], p: Point): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i]!;
    const b = points[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Distance from `p` to the nearest edge of the polygon, normalized units. */
export function borderDistance(points: readonly Point[], p: Point): number {
  let best = Infinity;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    best = Math.min(best, segmentDistance(points[j]!, points[i]!, p));
  }
  return best;
}

/** "in" or "out" when `p` is clearly inside or outside, "border" within `band` of an edge. */
export function zoneSideOf(points: readonly Point[], p: Point, band: number): ZoneSide {
  if (points.length < 3) return "out";
  if (borderDistance(points, p) <= band) return "border";
  return insidePolygon(points, p) ? "in" : "out";
}

function segmentDistance(a: Point, b: Point, p: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
