/**
 * Where the overlay's box labels go: inside the picture, and not on top of
 * each other. Pure (sizes in CSS px), so it is tested without a canvas.
 */

/** A box with the size of its label. */
export interface LabelledBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly labelWidth: number;
}

/** A label's top-left corner. */
export interface LabelSpot {
  readonly x: number;
  readonly y: number;
}

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * Places one label per box (same order): above the box's top-left corner,
 * else just inside it, else below it, shifted into the picture, taking the
 * first spot that overlaps no label placed before (or the one that overlaps least).
 */
export function placeLabels(boxes: readonly LabelledBox[], width: number, height: number, labelHeight: number): LabelSpot[] {
  const placed: Rect[] = [];
  return boxes.map((box) => {
    const w = Math.min(box.labelWidth, width);
    const x = clamp(box.x, 0, width - w);
    const candidates = [box.y - labelHeight, box.y, box.y + box.height, box.y + box.height - labelHeight].map((y) => ({
      x,
      y: clamp(y, 0, height - labelHeight),
      w,
      h: labelHeight,
    }));
    let best = candidates[0]!;
    let bestOverlap = Infinity;
    for (const candidate of candidates) {
      const overlap = placed.reduce((sum, other) => sum + overlapArea(candidate, other), 0);
      if (overlap < bestOverlap) {
        best = candidate;
        bestOverlap = overlap;
      }
      if (overlap === 0) break;
    }
    placed.push(best);
    return { x: best.x, y: best.y };
  });
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
