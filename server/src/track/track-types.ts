import type { Box, Detection } from "../detect/detector.ts";

/** One track as the tracker reports it after a frame. */
export interface Track {
  /** Stable id, unique per tracker, starting at 1. */
  readonly id: number;
  /** The box of the latest matched detection, or the predicted box while missed. */
  readonly box: Box;
  /** Score of the latest matched detection. */
  readonly score: number;
  /** True once the track has had enough hits to be trusted. */
  readonly confirmed: boolean;
  /** Frames since the last matched detection (0 when matched in this frame). */
  readonly misses: number;
}

/** What changed in one tracker step. */
export interface TrackUpdate {
  /** Frame time, ms (as passed to the tracker). */
  readonly timeMs: number;
  /**
   * Tracks alive after this frame: confirmed and tentative, matched or missed,
   * including confirmed tracks unseen for seconds that may still be re-found
   * (their `misses` tell how long; their box is a prediction).
   */
  readonly tracks: readonly Track[];
  /** Ids of tracks confirmed in this frame (each id appears here exactly once in its life). */
  readonly confirmed: readonly number[];
  /** Confirmed tracks removed for good in this frame (lost longer than the tracker keeps them). */
  readonly lost: readonly Track[];
  /** For each input detection, the id of the track it was matched to, or 0. */
  readonly assignments: readonly number[];
}

/** A multi-object tracker: pure and synchronous, time is an argument. */
export interface Tracker {
  update(detections: readonly Detection[], timeMs: number): TrackUpdate;
}
