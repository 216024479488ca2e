/**
 * Non-maximum suppression: keeps the best box for each object when a detector
 * reports several overlapping boxes for it (SSD MobileNet V1 does, and so do
 * the two halves of a tiled frame).
 */
import type { Box, Detection } from "./detector.ts";

/** When a lower-scoring box counts as a duplicate of a kept one. */
export interface SuppressionOptions {
  /** Suppress when intersection-over-union reaches this (0..1). */
  readonly iouThreshold: number;
  /**
   * Suppress when this share of the smaller of the two boxes lies inside the
   * other (0..1). Catches the "upper body inside whole body" duplicates and
   * the half-person a tile edge cuts off, whose IoU with the full box stays
   * low. Values above 1 turn the rule off.
   */
  readonly containmentThreshold: number;
}

/**
 * Defaults: on six hand-labelled vtest.avi frames these kept the recall of
 * looser settings with the fewest duplicate boxes.
 */
export const DEFAULT_SUPPRESSION: SuppressionOptions = { iouThreshold: 0.5, containmentThreshold: 0.6 };

/** Area of the overlap of two boxes (0 when they do not touch). */
export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union, 0..1 (0 for two empty boxes). */
export function intersectionOverUnion(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy NMS: visits detections from the highest score down and keeps one
 * unless it duplicates an already kept detection. Returns at most
 * `maxResults` detections, best first. Pure: the input is not modified.
 */
export function nonMaxSuppression<T extends Detection>(
  detections: readonly T[],
  maxResults: number,
  options: SuppressionOptions = DEFAULT_SUPPRESSION,
): T[] {
  const byScore = [...detections].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of byScore) {
    if (kept.length >= maxResults) break;
    const duplicate = kept.some((best) => {
      const inter = intersectionArea(best, candidate);
      if (inter === 0) return false;
      const smaller = Math.min(best.width * best.height, candidate.width * candidate.height);
      return intersectionOverUnion(best, candidate) >= options.iouThreshold || inter / smaller >= options.containmentThreshold;
    });
    if (!duplicate) kept.push(candidate);
  }
  return kept;
}
