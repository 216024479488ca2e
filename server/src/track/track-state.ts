/**
 * One person's state inside the IoU tracker (`iou-tracker.ts`): its box, hits
 * and misses, smoothed velocity and colours, and the few operations on it
 * (start, hit, predict, report).
 */
import type { Box, Detection } from "../detect/detector.ts";
import type { Track } from "./track-types.ts";
import type { IouTrackerConfig } from "./iou-tracker-config.ts";
import { boxCentre, shiftBox } from "./box-math.ts";
import { updateAppearance } from "./appearance-gate.ts";
import type { ClearPosition } from "./pair-split.ts";
import { decodeSignature } from "../appearance/colour-signature.ts";

/** A track as the tracker keeps it between frames. */
export interface TrackState {
  readonly id: number;
  box: Box;
  score: number;
  hits: number;
  misses: number;
  confirmed: boolean;
  lastMatchMs: number;
  /** Centre velocity, normalized units per ms; undefined until the second hit. */
  velocity: { x: number; y: number } | undefined;
  /** Running colour histogram of the person (`appearance-gate.ts`), once a detection had a signature. */
  appearance: number[] | undefined;
  /** Where the track last stood clear of every other track (`pair-split.ts`). */
  clear: ClearPosition | undefined;
  /** Where and when the track was first seen. */
  readonly birth: Box;
  readonly bornMs: number;
}

/** A new tentative track (confirmed at once when `minHits` is 1) for an unmatched detection. */
export function startTrack(cfg: IouTrackerConfig, id: number, det: Detection, timeMs: number): TrackState {
  return {
    id, box: toBox(det), score: det.score, hits: 1, misses: 0,
    confirmed: cfg.minHits <= 1, lastMatchMs: timeMs, velocity: undefined, appearance: decodeSignature(det.appearance),
    clear: undefined, birth: toBox(det), bornMs: timeMs,
  };
}

/** Applies a matched detection to a track: box, score, hits and smoothed velocity. */
export function hit(cfg: IouTrackerConfig, s: TrackState, det: Detection, timeMs: number): void {
  const dt = timeMs - s.lastMatchMs;
  if (dt > 0) {
    const from = boxCentre(s.box);
    const to = boxCentre(det);
    let vx = (to.x - from.x) / dt;
    let vy = (to.y - from.y) / dt;
    const cap = (cfg.maxSpeed * det.height) / 1000;
    const speed = Math.hypot(vx, vy);
    // A mis-association must not fling the prediction across the frame.
    if (cfg.maxSpeed > 0 && speed > cap) {
      vx *= cap / speed;
      vy *= cap / speed;
    }
    const a = s.velocity === undefined ? 1 : cfg.velocitySmoothing;
    const old = s.velocity ?? { x: 0, y: 0 };
    s.velocity = { x: a * vx + (1 - a) * old.x, y: a * vy + (1 - a) * old.y };
  }
  s.box = toBox(det);
  s.appearance = updateAppearance(s.appearance, det);
  s.score = det.score;
  s.hits += 1;
  s.misses = 0;
  s.lastMatchMs = Math.max(s.lastMatchMs, timeMs);
}

/**
 * A lost track `old` taking over a newborn track `young` that is the same
 * person: the old identity goes on with the newborn's state.
 */
export function absorb(old: TrackState, young: TrackState): void {
  Object.assign(old, {
    box: young.box, score: young.score, hits: old.hits + young.hits, misses: 0, lastMatchMs: young.lastMatchMs,
    velocity: young.velocity, appearance: young.appearance ?? old.appearance, clear: young.clear ?? old.clear,
  });
}

/** The track's box moved on at its smoothed velocity to `timeMs`. */
export function predictBox(s: TrackState, timeMs: number): Box {
  if (s.velocity === undefined) return s.box;
  const dt = Math.max(0, timeMs - s.lastMatchMs);
  return shiftBox(s.box, s.velocity.x * dt, s.velocity.y * dt);
}

/** The track as the tracker reports it: its matched box, or its prediction while missed. */
export function snapshot(s: TrackState, timeMs: number): Track {
  const box = s.misses === 0 ? s.box : predictBox(s, timeMs);
  return { id: s.id, box, score: s.score, confirmed: s.confirmed, misses: s.misses };
}

function toBox(d: Box): Box {
  return { x: d.x, y: d.y, width: d.width, height: d.height };
}
