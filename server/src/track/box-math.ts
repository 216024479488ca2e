/**
 * Small pure helpers on normalized boxes, shared by the tracker and the counter.
 */
import type { Box } from "../detect/detector.ts";

/** A point in normalized frame coordinates (0..1 from the left and top edges). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Area of a box (0 for degenerate boxes). */
export function boxArea(box: Box): number {
  return Math.max(0, box.width) * Math.max(0, box.height);
}

/** Intersection over union of two boxes, 0..1. */
export function iou(a: Box, b: Box): number {
  const left = Math.max(a.x, b.x);
  const top = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, right - left) * Math.max(0, bottom - top);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** The centre of a box. */
export function boxCentre(box: Box): Point {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Euclidean distance between the centres of two boxes, in normalized units. */
export function centreDistance(a: Box, b: Box): number {
  const ca = boxCentre(a);
  const cb = boxCentre(b);
  return Math.hypot(ca.x - cb.x, ca.y - cb.y);
}

/** A copy of `box` shifted by (dx, dy). */
export function shiftBox(box: Box, dx: number, dy: number): Box {
  return { x: box.x + dx, y: box.y + dy, width: box.width, height: box.height };
}

/**
 * A point inside a box given as fractions of its size: (0.5, 1) is the
 * bottom-centre (where the feet are), (0.5, 0.5) the centre.
 */
export function boxPoint(box: Box, fx: number, fy: number): Point {
  return { x: box.x + box.width * fx, y: box.y + box.height * fy };
}
