/**
 * The tracker's use of colour signatures (`appearance/colour-signature.ts`):
 * each track keeps a running average of its person's histograms, and a pair
 * of a track and a detection (or of a lost track and a newborn one) whose
 * colours are clearly different is not the same person, however well the
 * boxes line up.
 */
import type { Detection } from "../detect/detector.ts";
import { blendHistograms, decodeSignature, histogramSimilarity } from "../appearance/colour-signature.ts";

/** Weight of the newest detection in a track's running histogram. */
const BLEND = 0.3;

/** A track's histogram after matching `det`: unchanged when the detection has no signature. */
export function updateAppearance(old: readonly number[] | undefined, det: Detection): number[] | undefined {
  const next = decodeSignature(det.appearance);
  if (next === undefined) return old === undefined ? undefined : [...old];
  return old === undefined ? next : blendHistograms(old, next, BLEND);
}

// Undefined when either histogram is unknown.
function appearanceSimilarity(a: readonly number[] | undefined, b: readonly number[] | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : histogramSimilarity(a, b);
}

/** True when both histograms are known and less alike than `min` (0 never refuses). */
export function looksDifferent(min: number, a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  const similarity = appearanceSimilarity(a, b);
  return similarity !== undefined && similarity < min;
}
