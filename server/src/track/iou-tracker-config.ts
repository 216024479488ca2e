/**
 * Tuning of the IoU tracker (`iou-tracker.ts`): the fields, their defaults and
 * their validation.
 */

/** Tuning of `createIouTracker`; every field has a default. */
export interface IouTrackerConfig {
  /** Detections scoring at least this are "high": matched first, and the only ones that start tracks. Default 0.5. */
  readonly highScore: number;
  /** Detections scoring below this are ignored entirely. Default 0.1. */
  readonly lowScore: number;
  /**
   * Detections shorter than this (normalized height) are ignored entirely.
   * Default 0.04: 12 px of a 300x300 model input, below the smallest anchors
   * of SSD-style detectors, where what they report is mostly clutter (in the
   * vtest scene: two traffic cones and a rock, detected for minutes).
   */
  readonly minHeight: number;
  /** Least IoU between a predicted box and a high-score detection to match. Default 0.2 (ByteTrack's 0.8 cost). */
  readonly minIou: number;
  /** Least IoU for a low-score detection (second stage, no distance fallback). Default 0.4. */
  readonly minIouLow: number;
  /**
   * Fastest plausible unexplained motion of a box centre, in box heights per
   * second. When IoU is below `minIou`, a detection may still match if its
   * centre lies within `maxSpeed * height * elapsed` of the predicted centre,
   * elapsed being the time since the track's last match (up to `gateHorizonMs`). Also caps the velocity estimate. 0 disables both.
   * Default 2.5 (a person ~1.7 m tall running at ~4 m/s).
   */
  readonly maxSpeed: number;
  /**
   * The distance gate grows with the time since a track's last match up to
   * this horizon, ms; a track unseen for longer must be found again by IoU
   * with its predicted box, or by stitching. Default 500 (covers one frame at
   * 2 fps; larger horizons let long-missed tracks grab other people nearby).
   */
  readonly gateHorizonMs: number;
  /** Matched detections a track needs before it is confirmed. Default 3. */
  readonly minHits: number;
  /**
   * A confirmed track unmatched for longer than this, ms, is no longer matched
   * by overlap. If it walked out through the frame edge (or `stitchMs` is 0)
   * it is lost now; otherwise it waits `stitchMs` more to be stitched. Default 1000.
   */
  readonly maxAgeMs: number;
  /**
   * How long after `maxAgeMs` a confirmed track that vanished inside the frame
   * may still be re-found by stitching before it is lost for good, ms. 0
   * disables the wait. Default 3000 (a small person the detector misses for a
   * couple of seconds keeps one identity).
   */
  readonly stitchMs: number;
  /**
   * Stitching radius in box heights: a high-score detection that matched
   * nothing is given back to a confirmed track unseen for more than
   * `gateHorizonMs` when its centre lies this close to the path from the
   * track's last centre to its predicted one. 0 disables stitching. Default 1.25.
   */
  readonly stitchRadius: number;
  /**
   * How long after `maxAgeMs` a confirmed track that vanished inside the frame
   * may still be revived, ms: a track confirmed later that was born away from
   * the frame's edges near where it vanished takes over its identity instead
   * of counting as a new person (`track-revival.ts`). 0 disables revival. Default 10000.
   */
  readonly reviveMs: number;
  /** Revival radius in box heights, for a track lost at the moment of the birth. Default 1. */
  readonly reviveRadius: number;
  /** How fast the revival radius grows with the time the track was lost before the birth, box heights per second. Default 0.5. */
  readonly reviveSpeed: number;
  /**
   * Least colour similarity (0..1, `appearance-gate.ts`) between a lost track
   * and a detection for stitching them: below it they are different people.
   * Detections without a colour signature are never refused. 0 disables the
   * check. Default 0.5 (the same person from one frame to the next is above
   * 0.8 in 98% of pairs on vtest; two different people are below 0.5 in about 40%).
   */
  readonly stitchMinSimilarity: number;
  /** A stitched or revived detection's height may differ from the track's by at most this factor. Default 1.5. */
  readonly stitchSizeRatio: number;
  /** A tentative track is dropped after more consecutive misses than this. Default 1. */
  readonly maxTentativeMisses: number;
  /** Weight of the newest velocity measurement, 0..1 (exponential smoothing). Default 0.5. */
  readonly velocitySmoothing: number;
  /** An unmatched detection overlapping a matched one by at least this IoU is a duplicate box. Default 0.7. */
  readonly duplicateIou: number;
  /**
   * An unmatched detection with at least this share of its area inside the
   * box of a tracked person is a part of that person (an upper-body box), not
   * someone to stitch to a lost track (`second-box.ts`). Values above 1 turn
   * it off. Default 0.5 (vtest F366: 0.6).
   */
  readonly secondBoxContainment: number;
  /**
   * A tentative track overlapping a tracked person's box by at least this
   * IoU is not confirmed until it stands alone: it may be a second box on that
   * person (`second-box.ts`). 0 turns it off. Default 0.3 (vtest F468, F566,
   * F635, F647: 0.34 to 0.36; people side by side stay below 0.2).
   */
  readonly shadowIou: number;
  /**
   * Two tracks whose last boxes overlap by at least this IoU, both matched
   * again, may have swapped people where they were boxed together
   * (`pair-split.ts`). Default 0.2 (vtest F750: the two boxes around K and B
   * overlap by 0.28; people side by side stay below 0.2).
   */
  readonly pairIou: number;
  /**
   * Such a pair's detections are swapped when the swapped pairing puts each
   * person's feet at most this share as far from where their motion before
   * the overlap leads as the pairing IoU made. 0 turns it off. Default 2/3
   * (vtest at 10 fps: 0.50 at F751 and 0.66 at F45, two swaps the frames
   * confirm; the same counts from 0.5 to 1 on every clip and rate).
   */
  readonly pairSwapRatio: number;
}

/** The defaults of {@link IouTrackerConfig}. */
export const defaultIouTrackerConfig: IouTrackerConfig = Object.freeze({
  highScore: 0.5,
  lowScore: 0.1,
  minHeight: 0.04,
  minIou: 0.2,
  minIouLow: 0.4,
  maxSpeed: 2.5,
  gateHorizonMs: 500,
  minHits: 3,
  maxAgeMs: 1000,
  stitchMs: 3000,
  stitchRadius: 1.25,
  stitchSizeRatio: 1.5,
  stitchMinSimilarity: 0.5,
  reviveMs: 10000,
  reviveRadius: 1,
  reviveSpeed: 0.5,
  maxTentativeMisses: 1,
  velocitySmoothing: 0.5,
  duplicateIou: 0.7,
  secondBoxContainment: 0.5,
  shadowIou: 0.3,
  pairIou: 0.2,
  pairSwapRatio: 2 / 3,
});

/** Throws RangeError when a field of `cfg` is out of range. */
export function validateIouTrackerConfig(cfg: IouTrackerConfig): void {
  const unit = ["highScore", "lowScore", "minHeight", "velocitySmoothing", "duplicateIou", "stitchMinSimilarity", "shadowIou", "pairIou", "pairSwapRatio"] as const;
  for (const key of unit) {
    const v = cfg[key];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`IouTrackerConfig.${key} must be within 0..1, got ${v}`);
  }
  // An IoU threshold of 0 would pair every track with every detection.
  for (const key of ["minIou", "minIouLow"] as const) {
    const v = cfg[key];
    if (!(v > 0 && v <= 1)) throw new RangeError(`IouTrackerConfig.${key} must be within (0, 1], got ${v}`);
  }
  if (!(cfg.lowScore <= cfg.highScore)) throw new RangeError("IouTrackerConfig.lowScore must not exceed highScore");
  for (const key of ["maxSpeed", "maxAgeMs", "gateHorizonMs", "stitchMs", "stitchRadius", "reviveMs", "reviveRadius", "reviveSpeed"] as const) {
    const v = cfg[key];
    if (!(v >= 0)) throw new RangeError(`IouTrackerConfig.${key} must be >= 0, got ${v}`);
  }
  if (!(cfg.secondBoxContainment >= 0)) throw new RangeError(`IouTrackerConfig.secondBoxContainment must be >= 0, got ${cfg.secondBoxContainment}`);
  if (!(cfg.stitchSizeRatio >= 1)) throw new RangeError(`IouTrackerConfig.stitchSizeRatio must be >= 1, got ${cfg.stitchSizeRatio}`);
  if (!(Number.isInteger(cfg.minHits) && cfg.minHits >= 1)) throw new RangeError("IouTrackerConfig.minHits must be an integer >= 1");
  if (!(Number.isInteger(cfg.maxTentativeMisses) && cfg.maxTentativeMisses >= 0)) {
    throw new RangeError("IouTrackerConfig.maxTentativeMisses must be an integer >= 0");
  }
}
