/**
 * Two people crossing paths, seen apart again: which track is whose
 * (`iou-tracker.ts`). While two people overlap, the detector may give boxes
 * around the pair rather than around each (vtest F749-F750: K walking left at
 * the top of the road, B walking right across its middle, two boxes 0.19
 * high, both with B's feet); each track takes one, and when the two are
 * boxed apart again (F751) IoU pairs each track with whichever box its
 * pair-sized box covers best: here K's track with B and B's with K, and
 * neither crossing of the mid-frame line counts.
 *
 * Each track remembers where it last stood clear of every other track and
 * how it moved then; when two tracks whose boxes overlapped are matched in
 * the same frame, the pairing of their two detections that moves each
 * person on from there is kept, and the swapped one is taken only when it
 * explains both positions clearly better. Depth tells them apart: people at
 * different distances have their feet at different heights in the picture,
 * which a box around both cannot show.
 */
import type { Detection } from "../detect/detector.ts";
import type { TrackState } from "./track-state.ts";
import type { FrameMatching } from "./frame-matching.ts";
import { iou } from "./box-math.ts";

// Below this IoU with every other track's box, a track stands clear (people side by side stay below 0.2, second-box.ts).
const CLEAR_IOU = 0.1;

/** Tuning of the pair check (fields of `IouTrackerConfig`). */
export interface PairSplitConfig {
  /** Tracks whose last boxes overlap by at least this IoU may swap at the split. */
  readonly pairIou: number;
  /** The swapped pairing is taken when its offset is at most this share of the kept one's. 0 turns the check off. */
  readonly pairSwapRatio: number;
  /** A clear position older than this, ms, predicts nothing. */
  readonly maxAgeMs: number;
}

/** Where a track last stood clear of every other track, and how it moved then. */
export interface ClearPosition {
  /** Bottom-centre of the box (the feet). */
  readonly x: number;
  readonly y: number;
  readonly height: number;
  readonly timeMs: number;
  /** Centre velocity then, normalized units per ms. */
  readonly vx: number;
  readonly vy: number;
}

/**
 * Swaps the detections of two tracks matched in this frame when their last
 * boxes overlapped and the swapped pairing follows on from where each stood
 * clear before (see the file comment).
 */
export function unswapPairs(cfg: PairSplitConfig, states: readonly TrackState[], detections: readonly Detection[], m: FrameMatching, timeMs: number): void {
  if (cfg.pairSwapRatio === 0) return;
  for (let a = 0; a < states.length; a++) {
    for (let b = a + 1; b < states.length; b++) {
      const da = m.trackOf[a]!;
      const db = m.trackOf[b]!;
      const sa = states[a]!;
      const sb = states[b]!;
      if (da === -1 || db === -1 || m.merged[a] || m.merged[b] || sa.misses > 0 || sb.misses > 0) continue;
      if (iou(sa.box, sb.box) < cfg.pairIou) continue;
      const ca = sa.clear;
      const cb = sb.clear;
      if (!ca || !cb || timeMs - ca.timeMs > cfg.maxAgeMs || timeMs - cb.timeMs > cfg.maxAgeMs) continue;
      const kept = offset(ca, detections[da]!, timeMs) + offset(cb, detections[db]!, timeMs);
      const swapped = offset(ca, detections[db]!, timeMs) + offset(cb, detections[da]!, timeMs);
      if (swapped > kept * cfg.pairSwapRatio) continue;
      m.trackOf[a] = db;
      m.trackOf[b] = da;
      m.holderOf[da] = b;
      m.holderOf[db] = a;
    }
  }
}

/** Records, for every track matched this frame whose box overlaps no other matched track's, its clear position. */
export function noteClear(states: readonly TrackState[], matched: (t: number) => boolean, timeMs: number): void {
  states.forEach((s, t) => {
    if (!matched(t)) return;
    const clear = states.every((o, k) => k === t || !matched(k) || iou(o.box, s.box) < CLEAR_IOU);
    if (!clear) return;
    const v = s.velocity ?? { x: 0, y: 0 };
    s.clear = { x: s.box.x + s.box.width / 2, y: s.box.y + s.box.height, height: s.box.height, timeMs, vx: v.x, vy: v.y };
  });
}

/** How far a detection's feet are from where the track's clear position, moved on at its velocity, puts them, in its box heights. */
function offset(c: ClearPosition, d: Detection, timeMs: number): number {
  const dt = timeMs - c.timeMs;
  return Math.hypot(d.x + d.width / 2 - c.x - c.vx * dt, d.y + d.height - c.y - c.vy * dt) / c.height;
}
