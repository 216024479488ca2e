/**
 * One frame's pairing of tracks with detections in the IoU tracker
 * (`iou-tracker.ts`): who holds which detection, and the greedy best-first
 * matcher each stage runs over its own candidates and cost.
 *
 * Greedy on a sorted cost list, not Hungarian: the detector reports at most
 * ~10 people, the gates leave few ambiguous pairs, and with IoU costs greedy
 * best-first agrees with the optimum in practice (SORT/norfair-style trackers
 * do the same) while staying short, deterministic and easy to reason about.
 */
import type { Box, Detection } from "../detect/detector.ts";
import type { IouTrackerConfig } from "./iou-tracker-config.ts";
import type { TrackState } from "./track-state.ts";
import { centreDistance, iou } from "./box-math.ts";

// A distance-only match between boxes of very different size is a different person.
const MAX_HEIGHT_RATIO = 2;

interface Candidate {
  readonly track: number;
  readonly det: number;
  readonly cost: number;
}

/** The pairs made so far in one frame, by track index and detection index. */
export class FrameMatching {
  /** For each track, the detection it holds, or -1. */
  readonly trackOf: number[];
  /** For each detection, the track holding it, or -1. */
  readonly holderOf: number[];
  /** Tracks merged into another this frame (a tentative track taken over); they are dropped. */
  readonly merged: boolean[];

  constructor(private readonly states: readonly TrackState[], detections: number) {
    this.trackOf = new Array<number>(states.length).fill(-1);
    this.holderOf = new Array<number>(detections).fill(-1);
    this.merged = new Array<boolean>(states.length).fill(false);
  }

  /**
   * Greedy best-first pairing of the still-unpaired `eligible` tracks with
   * `dets`, at `costOf` (undefined: no pair). `takeTentative` lets a pair take
   * a detection from a tentative track, which then merges away.
   */
  match(eligible: readonly boolean[], dets: readonly number[], costOf: (t: number, d: number) => number | undefined, takeTentative = false): void {
    const candidates: Candidate[] = [];
    for (let t = 0; t < this.states.length; t++) {
      if (this.trackOf[t] !== -1 || !eligible[t]) continue;
      for (const d of dets) {
        const cost = costOf(t, d);
        if (cost !== undefined) candidates.push({ track: t, det: d, cost });
      }
    }
    candidates.sort((p, q) => p.cost - q.cost || p.track - q.track || p.det - q.det);
    for (const c of candidates) {
      const holder = this.holderOf[c.det]!;
      if (this.trackOf[c.track] !== -1 || (holder !== -1 && !(takeTentative && !this.states[holder]!.confirmed))) continue;
      if (holder !== -1) {
        this.trackOf[holder] = -1;
        this.merged[holder] = true;
      }
      this.trackOf[c.track] = c.det;
      this.holderOf[c.det] = c.track;
    }
  }
}

/**
 * Cost of pairing a track (predicted at `pred`) with a high-score detection:
 * IoU first (0..1), a centre-distance fallback (1..2) for fast movers whose
 * boxes no longer overlap, or undefined for no pair. Every IoU candidate is
 * preferred over every distance-only one.
 */
export function highCost(cfg: IouTrackerConfig, s: TrackState, pred: Box, det: Detection, timeMs: number): number | undefined {
  const overlap = iou(pred, det);
  if (overlap >= cfg.minIou) return 1 - overlap;
  const ratio = Math.max(pred.height, det.height) / Math.max(1e-9, Math.min(pred.height, det.height));
  if (ratio > MAX_HEIGHT_RATIO) return undefined;
  const elapsedMs = Math.min(cfg.gateHorizonMs, Math.max(0, timeMs - s.lastMatchMs));
  const gate = (cfg.maxSpeed * Math.max(pred.height, det.height) * elapsedMs) / 1000;
  const distance = centreDistance(pred, det);
  return gate > 0 && distance <= gate ? 1 + distance / gate : undefined;
}

/** Cost of pairing a track (predicted at `pred`) with a low-score detection: IoU only. */
export function lowCost(cfg: IouTrackerConfig, pred: Box, det: Detection): number | undefined {
  const overlap = iou(pred, det);
  return overlap >= cfg.minIouLow ? 1 - overlap : undefined;
}
