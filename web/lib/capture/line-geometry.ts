/**
 * Counting-line geometry for drawing and editing, in normalized frame
 * coordinates (0..1 from the left and top, y pointing down).
 *
 * Convention (contract: "in_side_left ... left side of a->b (counter-clockwise,
 * in image coordinates with y down)"): "left" is the left of someone walking
 * from a to b *as seen on the screen*. For a->b pointing right, left is up.
 * In y-down coordinates that is the direction (dy, -dx).
 */

import type { CountingLine } from "@headcount/proto/types";

/** A point in normalized coordinates. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Shorter lines than this (normalized) are treated as a click, not a drag. */
export const MIN_LINE_LENGTH = 0.03;

/** Clamps a point into the frame. */
export function clampPoint(point: Point): Point {
  return { x: Math.min(1, Math.max(0, point.x)), y: Math.min(1, Math.max(0, point.y)) };
}

/** Builds a line from two points and an "in" side. */
export function makeLine(a: Point, b: Point, inSideLeft: boolean): CountingLine {
  const p = clampPoint(a);
  const q = clampPoint(b);
  return { ax: p.x, ay: p.y, bx: q.x, by: q.y, inSideLeft };
}

/** Length of a line in a frame of `width` x `height` pixels (1x1 for normalized). */
export function lineLength(line: CountingLine, width = 1, height = 1): number {
  return Math.hypot((line.bx - line.ax) * width, (line.by - line.ay) * height);
}

/**
 * Which side of the line a point is on, with the page's convention:
 * 1 on the "in" side, -1 on the "out" side, 0 on the line.
 */
export function sideOf(line: CountingLine, point: Point): -1 | 0 | 1 {
  // cross < 0 means the point is to the screen-left of a->b (y down).
  const cross = (line.bx - line.ax) * (point.y - line.ay) - (line.by - line.ay) * (point.x - line.ax);
  if (cross === 0) return 0;
  const left = cross < 0;
  return left === line.inSideLeft ? 1 : -1;
}

/**
 * The arrow that shows the "in" side, in pixels of a `width` x `height`
 * canvas: from the middle of the line, perpendicular to it, `length` px long.
 * Computed in pixels so it stays perpendicular on non-square frames.
 */
export function inArrow(
  line: CountingLine,
  width: number,
  height: number,
  length: number,
): { readonly from: Point; readonly to: Point } {
  const ax = line.ax * width;
  const ay = line.ay * height;
  const dx = line.bx * width - ax;
  const dy = line.by * height - ay;
  const norm = Math.hypot(dx, dy) || 1;
  // Screen-left of (dx, dy) with y down is (dy, -dx).
  const sign = line.inSideLeft ? 1 : -1;
  const from = { x: ax + dx / 2, y: ay + dy / 2 };
  return { from, to: { x: from.x + (sign * dy * length) / norm, y: from.y + (sign * -dx * length) / norm } };
}
