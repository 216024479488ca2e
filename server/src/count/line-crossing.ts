/**
 * Geometry of the counting line: which side a point is on, and whether a move
 * crossed the segment itself (not its extension).
 *
 * Conventions. Coordinates are normalized image coordinates: x grows to the
 * right, y grows DOWN (0..1 from the top edge). A {@link Line} is directed from
 * a to b. With d = b - a and v = p - a, let
 *
 *     cross = d.x * v.y - d.y * v.x
 *
 * Because y points down, `cross < 0` means p is on the LEFT of a->b as seen on
 * the screen (the side a walker heading from a to b has on their left hand;
 * counter-clockwise on screen), `cross > 0` means the right. Example: for the
 * horizontal line a = (0, 0.5), b = (1, 0.5) the left side is the upper half of
 * the picture (y < 0.5); with `inSideLeft: true`, moving from the bottom half
 * to the top half is a crossing "in". For a = (0.5, 0), b = (0.5, 1) (drawn
 * downwards) the left side is the right half of the picture (x > 0.5).
 */
import type { Line } from "./count-types.ts";
import type { Point } from "../track/box-math.ts";

/** Where a point lies relative to a line, with the dead band around the line as "on". */
export type LineSide = "left" | "right" | "on";

/** Length of the segment a->b, normalized units. */
export function lineLength(line: Line): number {
  return Math.hypot(line.bx - line.ax, line.by - line.ay);
}

/**
 * Signed distance of `p` from the infinite line through a and b, normalized
 * units: positive on the left of a->b as seen on screen, negative on the right.
 * 0 for a degenerate (zero-length) line.
 */
export function leftDistance(line: Line, p: Point): number {
  const length = lineLength(line);
  if (length === 0) return 0;
  const cross = (line.bx - line.ax) * (p.y - line.ay) - (line.by - line.ay) * (p.x - line.ax);
  return -cross / length;
}

/** The side of `p`, or "on" when it is within `deadBand` (normalized distance) of the line. */
export function sideOf(line: Line, p: Point, deadBand: number): LineSide {
  const distance = leftDistance(line, p);
  if (Math.abs(distance) <= deadBand) return "on";
  return distance > 0 ? "left" : "right";
}

/** The side a line calls "in". */
export function inSide(line: Line): "left" | "right" {
  return line.inSideLeft ? "left" : "right";
}

/**
 * True when the straight move `from` -> `to` passes through the segment a-b
 * (end points included), i.e. the points are on opposite sides of the line
 * and the crossing point lies between a and b. Moves around the segment's
 * ends, along the line, or of a degenerate line are not crossings.
 */
export function crossesSegment(line: Line, from: Point, to: Point): boolean {
  const s0 = leftDistance(line, from);
  const s1 = leftDistance(line, to);
  if (s0 === 0 || s1 === 0 || Math.sign(s0) === Math.sign(s1)) return false;
  const t = s0 / (s0 - s1);
  const x = from.x + t * (to.x - from.x);
  const y = from.y + t * (to.y - from.y);
  const dx = line.bx - line.ax;
  const dy = line.by - line.ay;
  const u = ((x - line.ax) * dx + (y - line.ay) * dy) / (dx * dx + dy * dy);
  // The tolerance keeps a crossing exactly at an end point from depending on rounding.
  return u >= -1e-9 && u <= 1 + 1e-9;
}

/** True when two lines are the same segment with the same direction and "in" side. */
export function sameLine(p: Line | null, q: Line | null): boolean {
  if (p === null || q === null) return p === q;
  return p.ax === q.ax && p.ay === q.ay && p.bx === q.bx && p.by === q.by && p.inSideLeft === q.inSideLeft;
}
