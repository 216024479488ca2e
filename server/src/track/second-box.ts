/**
 * Second boxes: the detector (SSD MobileNet) sometimes gives one person a
 * second box for a few frames, an upper-body box inside the whole-body one or
 * a box shifted by half a body, overlapping the first too little for its
 * non-maximum suppression. Such a box must not become a second person:
 *
 * - it is not stitched to a lost track (vtest F366: an upper-body box on the
 *   man walking with arms out, 60% inside his body box, was stitched to a
 *   track lost elsewhere, which jumped across the diagonal line and counted
 *   a crossing);
 * - a tentative track on it is not confirmed while it overlaps a tracked
 *   person's box (vtest F468, F566, F635, F647: boxes shifted half a body off
 *   B, R and A, IoU 0.34 to 0.36 with their boxes, each confirmed as a new
 *   entry). It waits: if the tracked person's own box is lost, it is
 *   confirmed then, and revives them (`track-revival.ts`) instead of counting
 *   an entry. Two people walking side by side overlap less (vtest F51: IoU
 *   below 0.2).
 */
import type { Box } from "../detect/detector.ts";
import { boxArea, iou } from "./box-math.ts";

/** How much two boxes must overlap for one to be a second box on the other's person. */
export interface SecondBoxRule {
  /** IoU at or above which an unmatched box duplicates a matched one. */
  readonly duplicateIou: number;
  /** Share of the smaller box inside the other at or above which it is a part of that person. */
  readonly containment: number;
}

/** Share (0..1) of the smaller of two boxes that lies inside the other. */
export function containedShare(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const smaller = Math.min(boxArea(a), boxArea(b));
  return w > 0 && h > 0 && smaller > 0 ? (w * h) / smaller : 0;
}

/** True when `box` is a duplicate or a part of one of `held` (boxes of tracked people). */
export function isSecondBox(rule: SecondBoxRule, box: Box, held: readonly Box[]): boolean {
  return held.some((h) => iou(h, box) >= rule.duplicateIou || containedShare(h, box) >= rule.containment);
}

/** True when `box` overlaps one of `held` by IoU `minIou` or more (0 never). */
export function overlapsAny(box: Box, held: readonly Box[], minIou: number): boolean {
  return minIou > 0 && held.some((h) => iou(h, box) >= minIou);
}
