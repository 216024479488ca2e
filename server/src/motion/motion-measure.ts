/**
 * The cheap half of motion gating: how much of a tiny grey image differs
 * from a running background. Pure; runs in the frame worker on the JPEG
 * decoded at 1/8 scale (`decode/grey-thumbnail.ts`).
 */

/** A small 8-bit grey image (one byte per pixel, rows top to bottom). */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A session's background: a running average of its grey thumbnails. */
export interface MotionBackground {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** How a thumbnail is compared with the background. */
export interface MotionThresholds {
  /** A pixel has changed when its grey level differs from the background's by more than this (0..255). */
  readonly pixelDelta: number;
  /** The frame shows motion when at least this share of its pixels changed (0..1). */
  readonly minChangedShare: number;
}

/** What {@link measureMotion} found. */
export interface MotionMeasure {
  /** Share of the thumbnail's pixels that changed (0..1); 1 when there was no background to compare with. */
  readonly changedShare: number;
  readonly moving: boolean;
  /** The background with this thumbnail blended in. */
  readonly background: MotionBackground;
}

/**
 * How fast the background follows the picture. Quickly while nothing moves
 * (light changes, compression noise); slowly while something does, so that a
 * person who stops still fades into the background only after seconds (the
 * forced detection interval catches them then).
 */
const STILL_BLEND = 0.2;
const MOVING_BLEND = 0.02;

/**
 * Compares `grey` with `background` and returns the share of changed pixels
 * and the updated background. A missing background, or one of another size
 * (the camera changed resolution), counts as full motion and restarts from
 * this thumbnail.
 */
export function measureMotion(grey: GreyImage, background: MotionBackground | null, thresholds: MotionThresholds): MotionMeasure {
  const n = grey.width * grey.height;
  if (!background || background.width !== grey.width || background.height !== grey.height || n === 0) {
    return { changedShare: 1, moving: true, background: { width: grey.width, height: grey.height, data: Float32Array.from(grey.data) } };
  }
  let changed = 0;
  const bg = background.data;
  const px = grey.data;
  for (let i = 0; i < n; i++) {
    if (Math.abs(px[i]! - bg[i]!) > thresholds.pixelDelta) changed++;
  }
  const changedShare = changed / n;
  const moving = changedShare >= thresholds.minChangedShare;
  const blend = moving ? MOVING_BLEND : STILL_BLEND;
  const next = new Float32Array(n);
  for (let i = 0; i < n; i++) next[i] = bg[i]! + (px[i]! - bg[i]!) * blend;
  return { changedShare, moving, background: { width: grey.width, height: grey.height, data: next } };
}

/**
 * The measure of a frame the detector then ran on, once it is known how many
 * people it found. With nobody found, whatever changed is not a person (often
 * someone who has just left: the background still showed them, since it is not
 * compared while people are tracked), so the thumbnail itself becomes the
 * background. Blended slowly instead, it kept showing "motion" for 3 to 8 s
 * after each person left the one-by-one clip, each frame detected in vain:
 * cameras started at five points of the clip had the detector on 26 to 59%
 * of their first 19 s (23 to 30% now; test/accuracy/gated-replay.test.ts).
 */
export function settleAfterDetection(measure: MotionMeasure, grey: GreyImage, peopleFound: number): MotionMeasure {
  if (peopleFound > 0) return measure;
  return { ...measure, background: { width: grey.width, height: grey.height, data: Float32Array.from(grey.data) } };
}
