/**
 * A person's colour signature: a tiny colour histogram of the upper body and
 * one of the legs, cut from the decoded frame inside a detection's box. The
 * tracker uses it to tell two people apart when boxes alone cannot (two
 * walkers crossing, a lost walker re-found next to someone else).
 *
 * Cheap by design: a few thousand pixels per box, no model. Each half of the
 * body gets {@link SIGNATURE_BINS} bins: four grey levels for pixels without
 * much colour (most clothes), six hue sectors for the rest. Counts are
 * quantised to 0..15 per bin (a hex digit), so a signature is 20 hex digits,
 * small enough to carry on every detection and to record in fixtures.
 */
import type { Box, RgbaImage } from "../detect/detector.ts";

/** Bins per body part: 4 grey levels, 6 hue sectors. */
export const SIGNATURE_BINS = 10;
/** Quantisation levels of a bin (one hex digit). */
const LEVELS = 15;
// Below this chroma (max - min of R, G, B) a pixel counts as grey: hue is noise there.
const MIN_CHROMA = 40;
// Body parts as fractions of the box height; the centre 60% of its width, to leave out background.
const PARTS = [
  { top: 0.15, bottom: 0.5 },
  { top: 0.5, bottom: 0.9 },
] as const;
const SIDE_MARGIN = 0.2;
// Enough pixels per part for a stable histogram; larger boxes are sampled on a grid.
const MAX_SAMPLES = 400;

/**
 * The colour signature of the person in `box` (normalized to the frame) of
 * `image`: 2 x {@link SIGNATURE_BINS} hex digits, upper body then legs, or
 * undefined when the box covers too few pixels to say anything.
 */
export function colourSignature(image: RgbaImage, box: Box): string | undefined {
  const x0 = Math.max(0, Math.round((box.x + box.width * SIDE_MARGIN) * image.width));
  const x1 = Math.min(image.width, Math.round((box.x + box.width * (1 - SIDE_MARGIN)) * image.width));
  if (x1 - x0 < 2) return undefined;
  let out = "";
  for (const part of PARTS) {
    const y0 = Math.max(0, Math.round((box.y + box.height * part.top) * image.height));
    const y1 = Math.min(image.height, Math.round((box.y + box.height * part.bottom) * image.height));
    if (y1 - y0 < 2) return undefined;
    const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / MAX_SAMPLES)));
    const counts = new Array<number>(SIGNATURE_BINS).fill(0);
    let total = 0;
    for (let y = y0; y < y1; y += step) {
      for (let x = x0; x < x1; x += step) {
        const i = (y * image.width + x) * 4;
        counts[colourBin(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!)]! += 1;
        total += 1;
      }
    }
    out += counts.map((c) => Math.round((c / total) * LEVELS).toString(16)).join("");
  }
  return out;
}

/** The bin of one pixel: 0..3 grey by brightness, 4..9 by hue sector. */
export function colourBin(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const chroma = max - min;
  if (chroma < MIN_CHROMA) return Math.min(3, Math.floor((r + g + b) / 192));
  let hue: number;
  if (max === r) hue = ((g - b) / chroma + 6) % 6;
  else if (max === g) hue = (b - r) / chroma + 2;
  else hue = (r - g) / chroma + 4;
  return 4 + Math.min(5, Math.floor(hue));
}

/** A signature's histograms as numbers (two parts of {@link SIGNATURE_BINS}), or undefined when missing or malformed. */
export function decodeSignature(signature: string | undefined): number[] | undefined {
  if (signature === undefined || signature.length !== 2 * SIGNATURE_BINS) return undefined;
  const bins = Array.from(signature, (c) => parseInt(c, 16));
  return bins.some((v) => Number.isNaN(v)) ? undefined : bins;
}

/** `old` moved towards `next` by `weight` (0..1): a running average of one person's histograms. */
export function blendHistograms(old: readonly number[], next: readonly number[], weight: number): number[] {
  return old.map((v, k) => (1 - weight) * v + weight * next[k]!);
}

/**
 * How alike two decoded signatures are, 0 (nothing in common) to 1 (same):
 * the Bhattacharyya coefficient of each body part's histogram, the lower of
 * the two (a red shirt over black trousers is not a black shirt over black
 * trousers). Undefined when a part is empty.
 */
export function histogramSimilarity(a: readonly number[], b: readonly number[]): number | undefined {
  let lowest = 1;
  for (let p = 0; p < 2; p++) {
    let sa = 0;
    let sb = 0;
    let cross = 0;
    for (let k = p * SIGNATURE_BINS; k < (p + 1) * SIGNATURE_BINS; k++) {
      sa += a[k]!;
      sb += b[k]!;
      cross += Math.sqrt(a[k]! * b[k]!);
    }
    if (sa === 0 || sb === 0) return undefined;
    lowest = Math.min(lowest, cross / Math.sqrt(sa * sb));
  }
  return lowest;
}
