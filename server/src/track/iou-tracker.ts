/**
 * A ByteTrack-style IoU tracker with constant-velocity prediction: pure,
 * synchronous, no I/O; the frame time is an argument.
 *
 * Per frame: (1) every track's box is predicted at `timeMs` from its smoothed
 * velocity; (2) high-score detections are matched to all tracks by IoU, with a
 * centre-distance fallback (gate scaled by box height and elapsed time, up
 * to a horizon) for fast movers whose boxes no longer overlap; (3) low-score
 * detections are matched to the tracks left over, by IoU only; (4) unmatched
 * high-score detections start tentative tracks, unless they duplicate a
 * matched box.
 *
 * Matching is greedy on a sorted cost list, not Hungarian: the detector reports
 * at most ~10 people, the gates leave few ambiguous pairs, and with IoU costs
 * greedy best-first agrees with the optimum in practice (SORT/norfair-style
 * trackers do the same) while staying short, deterministic and easy to reason
 * about. Every IoU candidate is preferred over every distance-only candidate.
 */
import type { Box, Detection } from "../detect/detector.ts";
import type { Track, TrackUpdate, Tracker } from "./track-types.ts";
import { boxCentre, centreDistance, iou, shiftBox } from "./box-math.ts";

/** Tuning of {@link createIouTracker}; every field has a default. */
export interface IouTrackerConfig {
  /** Detections scoring at least this are "high": matched first, and the only ones that start tracks. Default 0.5. */
  readonly highScore: number;
  /** Detections scoring below this are ignored entirely. Default 0.1. */
  readonly lowScore: number;
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
   * with its predicted box. Default 500 (covers one frame at 2 fps; larger
   * horizons let long-missed tracks grab other people nearby).
   */
  readonly gateHorizonMs: number;
  /** Matched detections a track needs before it is confirmed. Default 3. */
  readonly minHits: number;
  /** A confirmed track is lost once unmatched for longer than this, ms. Default 1000. */
  readonly maxAgeMs: number;
  /** A tentative track is dropped after more consecutive misses than this. Default 1. */
  readonly maxTentativeMisses: number;
  /** Weight of the newest velocity measurement, 0..1 (exponential smoothing). Default 0.5. */
  readonly velocitySmoothing: number;
  /** An unmatched detection overlapping a matched one by at least this IoU is a duplicate box. Default 0.7. */
  readonly duplicateIou: number;
}

/** The defaults of {@link IouTrackerConfig}. */
export const defaultIouTrackerConfig: IouTrackerConfig = Object.freeze({
  highScore: 0.5,
  lowScore: 0.1,
  minIou: 0.2,
  minIouLow: 0.4,
  maxSpeed: 2.5,
  gateHorizonMs: 500,
  minHits: 3,
  maxAgeMs: 1000,
  maxTentativeMisses: 1,
  velocitySmoothing: 0.5,
  duplicateIou: 0.7,
});

// A distance-only match between boxes of very different size is a different person.
const MAX_HEIGHT_RATIO = 2;

interface TrackState {
  readonly id: number;
  box: Box;
  score: number;
  hits: number;
  misses: number;
  confirmed: boolean;
  lastMatchMs: number;
  /** Centre velocity, normalized units per ms; undefined until the second hit. */
  velocity: { x: number; y: number } | undefined;
}

interface Candidate {
  readonly track: number;
  readonly det: number;
  readonly cost: number;
}

/** Creates a tracker; `config` overrides the defaults field by field. Throws RangeError on invalid values. */
export function createIouTracker(config: Partial<IouTrackerConfig> = {}): Tracker {
  const cfg: IouTrackerConfig = { ...defaultIouTrackerConfig, ...config };
  validate(cfg);
  let nextId = 1;
  let states: TrackState[] = [];

  return {
    update(detections: readonly Detection[], timeMs: number): TrackUpdate {
      const predicted = states.map((s) => predictBox(s, timeMs));
      const trackOf = new Array<number>(states.length).fill(-1);
      const assignments = new Array<number>(detections.length).fill(0);
      const high: number[] = [];
      const low: number[] = [];
      detections.forEach((d, i) => {
        if (d.score >= cfg.highScore) high.push(i);
        else if (d.score >= cfg.lowScore) low.push(i);
      });

      const match = (dets: readonly number[], costOf: (t: number, d: number) => number | undefined): void => {
        const candidates: Candidate[] = [];
        for (let t = 0; t < states.length; t++) {
          if (trackOf[t] !== -1) continue;
          for (const d of dets) {
            const cost = costOf(t, d);
            if (cost !== undefined) candidates.push({ track: t, det: d, cost });
          }
        }
        candidates.sort((p, q) => p.cost - q.cost || p.track - q.track || p.det - q.det);
        for (const c of candidates) {
          if (trackOf[c.track] !== -1 || assignments[c.det] !== 0) continue;
          trackOf[c.track] = c.det;
          assignments[c.det] = states[c.track]!.id;
        }
      };
      match(high, (t, d) => highCost(cfg, states[t]!, predicted[t]!, detections[d]!, timeMs));
      match(low, (t, d) => {
        const overlap = iou(predicted[t]!, detections[d]!);
        return overlap >= cfg.minIouLow ? 1 - overlap : undefined;
      });

      const confirmed: number[] = [];
      states.forEach((s, t) => {
        const d = trackOf[t]!;
        if (d === -1) s.misses += 1;
        else hit(cfg, s, detections[d]!, timeMs);
        if (!s.confirmed && s.hits >= cfg.minHits) {
          s.confirmed = true;
          confirmed.push(s.id);
        }
      });

      const matchedBoxes = detections.filter((_, i) => assignments[i] !== 0);
      for (const d of high) {
        const det = detections[d]!;
        if (assignments[d] !== 0 || matchedBoxes.some((m) => iou(m, det) >= cfg.duplicateIou)) continue;
        const s: TrackState = {
          id: nextId++, box: toBox(det), score: det.score, hits: 1, misses: 0,
          confirmed: cfg.minHits <= 1, lastMatchMs: timeMs, velocity: undefined,
        };
        if (s.confirmed) confirmed.push(s.id);
        states.push(s);
        matchedBoxes.push(det);
        assignments[d] = s.id;
      }

      const lost: Track[] = [];
      states = states.filter((s) => {
        if (s.confirmed && timeMs - s.lastMatchMs > cfg.maxAgeMs) {
          lost.push(snapshot(s, timeMs));
          return false;
        }
        return s.confirmed || s.misses <= cfg.maxTentativeMisses;
      });
      return { timeMs, tracks: states.map((s) => snapshot(s, timeMs)), confirmed, lost, assignments };
    },
  };
}

/** Cost of pairing a track with a high-score detection: IoU first (0..1), distance fallback (1..2), or no pair. */
function highCost(cfg: IouTrackerConfig, s: TrackState, pred: Box, det: Detection, timeMs: number): number | undefined {
  const overlap = iou(pred, det);
  if (overlap >= cfg.minIou) return 1 - overlap;
  const ratio = Math.max(pred.height, det.height) / Math.max(1e-9, Math.min(pred.height, det.height));
  if (ratio > MAX_HEIGHT_RATIO) return undefined;
  const elapsedMs = Math.min(cfg.gateHorizonMs, Math.max(0, timeMs - s.lastMatchMs));
  const gate = (cfg.maxSpeed * Math.max(pred.height, det.height) * elapsedMs) / 1000;
  const distance = centreDistance(pred, det);
  return gate > 0 && distance <= gate ? 1 + distance / gate : undefined;
}

/** Applies a matched detection to a track: box, score, hits and smoothed velocity. */
function hit(cfg: IouTrackerConfig, s: TrackState, det: Detection, timeMs: number): void {
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
  s.score = det.score;
  s.hits += 1;
  s.misses = 0;
  s.lastMatchMs = Math.max(s.lastMatchMs, timeMs);
}

function predictBox(s: TrackState, timeMs: number): Box {
  if (s.velocity === undefined) return s.box;
  const dt = Math.max(0, timeMs - s.lastMatchMs);
  return shiftBox(s.box, s.velocity.x * dt, s.velocity.y * dt);
}

function snapshot(s: TrackState, timeMs: number): Track {
  const box = s.misses === 0 ? s.box : predictBox(s, timeMs);
  return { id: s.id, box, score: s.score, confirmed: s.confirmed, misses: s.misses };
}

function toBox(d: Box): Box {
  return { x: d.x, y: d.y, width: d.width, height: d.height };
}

function validate(cfg: IouTrackerConfig): void {
  const unit = ["highScore", "lowScore", "velocitySmoothing", "duplicateIou"] as const;
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
  if (!(cfg.maxSpeed >= 0)) throw new RangeError(`IouTrackerConfig.maxSpeed must be >= 0, got ${cfg.maxSpeed}`);
  if (!(Number.isInteger(cfg.minHits) && cfg.minHits >= 1)) throw new RangeError("IouTrackerConfig.minHits must be an integer >= 1");
  if (!(cfg.maxAgeMs >= 0)) throw new RangeError("IouTrackerConfig.maxAgeMs must be >= 0");
  if (!(cfg.gateHorizonMs >= 0)) throw new RangeError("IouTrackerConfig.gateHorizonMs must be >= 0");
  if (!(Number.isInteger(cfg.maxTentativeMisses) && cfg.maxTentativeMisses >= 0)) {
    throw new RangeError("IouTrackerConfig.maxTentativeMisses must be an integer >= 0");
  }
}
