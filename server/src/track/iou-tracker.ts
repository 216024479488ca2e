/**
 * A ByteTrack-style IoU tracker with constant-velocity prediction: pure,
 * synchronous, no I/O; the frame time is an argument.
 *
 * Per frame: (1) every track's box is predicted at `timeMs` from its smoothed
 * velocity; (2) high-score detections are matched to all tracks by IoU, with a
 * centre-distance fallback (gate scaled by box height and elapsed time, up
 * to a horizon) for fast movers whose boxes no longer overlap; (3) low-score
 * detections are matched to the tracks left over, by IoU only; (4) high-score
 * detections still unmatched are stitched to confirmed tracks unseen for a
 * while if near their path and not of clearly different colours
 * (`track-stitching.ts`, `appearance-gate.ts`); (5) a tentative track
 * reaching `minHits` is confirmed, unless it was born away from the frame's
 * edges near where a confirmed track vanished: then it revives that track
 * (`track-revival.ts`); (6) the rest start tentative tracks, unless they
 * duplicate a matched box.
 *
 * A confirmed track unmatched for `maxAgeMs` leaves stages 1-3 and is lost,
 * unless it vanished inside the frame: then it stays (still listed, with its
 * misses growing, so the counter keeps its line side) for `stitchMs` or
 * `reviveMs` more, whichever is longer.
 *
 * Matching is greedy on a sorted cost list, not Hungarian: the detector reports
 * at most ~10 people, the gates leave few ambiguous pairs, and with IoU costs
 * greedy best-first agrees with the optimum in practice (SORT/norfair-style
 * trackers do the same) while staying short, deterministic and easy to reason
 * about. Every IoU candidate is preferred over every distance-only candidate.
 */
import type { Box, Detection } from "../detect/detector.ts";
import type { Track, TrackUpdate, Tracker } from "./track-types.ts";
import type { IouTrackerConfig } from "./iou-tracker-config.ts";
import { boxCentre, centreDistance, iou, shiftBox } from "./box-math.ts";
import { defaultIouTrackerConfig, validateIouTrackerConfig } from "./iou-tracker-config.ts";
import { stitchCost, walkedOut } from "./track-stitching.ts";
import { bornInside, revivalCost } from "./track-revival.ts";
import { looksDifferent, updateAppearance } from "./appearance-gate.ts";
import { decodeSignature } from "../appearance/colour-signature.ts";

export { defaultIouTrackerConfig, type IouTrackerConfig } from "./iou-tracker-config.ts";

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
  /** Running colour histogram of the person (`appearance-gate.ts`), once a detection had a signature. */
  appearance: number[] | undefined;
  /** Where and when the track was first seen. */
  readonly birth: Box;
  readonly bornMs: number;
}

interface Candidate {
  readonly track: number;
  readonly det: number;
  readonly cost: number;
}

/** Creates a tracker; `config` overrides the defaults field by field. Throws RangeError on invalid values. */
export function createIouTracker(config: Partial<IouTrackerConfig> = {}): Tracker {
  const cfg: IouTrackerConfig = { ...defaultIouTrackerConfig, ...config };
  validateIouTrackerConfig(cfg);
  const gate = { radius: cfg.stitchRadius, sizeRatio: cfg.stitchSizeRatio };
  const revival = { radius: cfg.reviveRadius, speed: cfg.reviveSpeed, sizeRatio: cfg.stitchSizeRatio };
  // A track lost inside the frame stays listed (not yet an exit) while it may be stitched or revived.
  const waitMs = Math.max(cfg.stitchMs, cfg.reviveMs);
  let nextId = 1;
  let states: TrackState[] = [];

  return {
    update(detections: readonly Detection[], timeMs: number): TrackUpdate {
      const predicted = states.map((s) => predictBox(s, timeMs));
      const unseenMs = states.map((s) => timeMs - s.lastMatchMs);
      // Past maxAgeMs a prediction has drifted too far for overlap to mean anything; only stitching may revive it.
      const byOverlap = states.map((s, t) => !s.confirmed || unseenMs[t]! <= cfg.maxAgeMs);
      const byStitch = states.map((s, t) => s.confirmed && unseenMs[t]! > cfg.gateHorizonMs);
      const trackOf = new Array<number>(states.length).fill(-1);
      const assignments = new Array<number>(detections.length).fill(0);
      const holderOf = new Array<number>(detections.length).fill(-1);
      const high: number[] = [];
      const low: number[] = [];
      detections.forEach((d, i) => {
        if (d.height < cfg.minHeight) return;
        if (d.score >= cfg.highScore) high.push(i);
        else if (d.score >= cfg.lowScore) low.push(i);
      });

      const merged = new Array<boolean>(states.length).fill(false);
      /** Greedy best-first pairing; `takeTentative` lets a pair take a detection from a tentative track, which then merges away. */
      const match = (
        eligible: readonly boolean[], dets: readonly number[], costOf: (t: number, d: number) => number | undefined,
        takeTentative = false,
      ): void => {
        const candidates: Candidate[] = [];
        for (let t = 0; t < states.length; t++) {
          if (trackOf[t] !== -1 || !eligible[t]) continue;
          for (const d of dets) {
            const cost = costOf(t, d);
            if (cost !== undefined) candidates.push({ track: t, det: d, cost });
          }
        }
        candidates.sort((p, q) => p.cost - q.cost || p.track - q.track || p.det - q.det);
        for (const c of candidates) {
          const holder = holderOf[c.det]!;
          if (trackOf[c.track] !== -1 || (holder !== -1 && !(takeTentative && !states[holder]!.confirmed))) continue;
          if (holder !== -1) {
            trackOf[holder] = -1;
            merged[holder] = true;
          }
          trackOf[c.track] = c.det;
          holderOf[c.det] = c.track;
        }
      };
      /** The lost track a newborn track `t` is, if it was born inside the frame near where one vanished. */
      const revivable = (t: number): number | undefined => {
        const s = states[t]!;
        if (cfg.reviveMs === 0 || !bornInside(s.birth)) return undefined;
        let best: number | undefined;
        let bestCost = Infinity;
        states.forEach((o, k) => {
          if (k === t || !o.confirmed || merged[k] || trackOf[k] !== -1 || timeMs - o.lastMatchMs > cfg.maxAgeMs + cfg.reviveMs) return;
          const cost = revivalCost(revival, o, s.birth, s.bornMs);
          if (cost !== undefined && cost < bestCost) {
            best = k;
            bestCost = cost;
          }
        });
        return best;
      };
      match(byOverlap, high, (t, d) => highCost(cfg, states[t]!, predicted[t]!, detections[d]!, timeMs));
      match(byOverlap, low, (t, d) => {
        const overlap = iou(predicted[t]!, detections[d]!);
        return overlap >= cfg.minIouLow ? 1 - overlap : undefined;
      });
      // A person re-found after a miss may already have started a tentative track; stitching takes it over.
      const held = detections.filter((_, i) => holderOf[i] !== -1 && states[holderOf[i]!]!.confirmed);
      const fresh = high.filter((d) => {
        const h = holderOf[d]!;
        // A second box on a tracked person must not revive a lost track next to it.
        return (h === -1 || !states[h]!.confirmed) && !held.some((m) => iou(m, detections[d]!) >= cfg.duplicateIou);
      });
      match(byStitch, fresh, (t, d) => {
        const det = detections[d]!;
        // Someone else walking past where a person was lost (vtest F287, F500, F722).
        if (looksDifferent(cfg.stitchMinSimilarity, states[t]!.appearance, decodeSignature(det.appearance))) return undefined;
        return stitchCost(gate, states[t]!, det, timeMs);
      }, true);
      holderOf.forEach((t, d) => {
        if (t !== -1) assignments[d] = states[t]!.id;
      });

      const confirmed: number[] = [];
      const confirming: number[] = [];
      states.forEach((s, t) => {
        const d = trackOf[t]!;
        if (merged[t]) return;
        if (d === -1) s.misses += 1;
        else hit(cfg, s, detections[d]!, timeMs);
        if (!s.confirmed && s.hits >= cfg.minHits) confirming.push(t);
      });
      for (const t of confirming) {
        const s = states[t]!;
        const old = revivable(t);
        if (old === undefined) {
          s.confirmed = true;
          confirmed.push(s.id);
          continue;
        }
        // The newborn is a person the tracker lost: the old identity goes on with the new track's state.
        const o = states[old]!;
        Object.assign(o, { box: s.box, score: s.score, hits: o.hits + s.hits, misses: 0, lastMatchMs: s.lastMatchMs, velocity: s.velocity, appearance: s.appearance ?? o.appearance });
        merged[t] = true;
        // Taken: a second newborn in this frame cannot revive it too.
        trackOf[old] = trackOf[t]!;
        assignments.forEach((id, d) => {
          if (id === s.id) assignments[d] = o.id;
        });
      }

      const matchedBoxes = detections.filter((_, i) => assignments[i] !== 0);
      for (const d of high) {
        const det = detections[d]!;
        if (assignments[d] !== 0 || matchedBoxes.some((m) => iou(m, det) >= cfg.duplicateIou)) continue;
        const s: TrackState = {
          id: nextId++, box: toBox(det), score: det.score, hits: 1, misses: 0,
          confirmed: cfg.minHits <= 1, lastMatchMs: timeMs, velocity: undefined, appearance: decodeSignature(det.appearance),
          birth: toBox(det), bornMs: timeMs,
        };
        if (s.confirmed) confirmed.push(s.id);
        states.push(s);
        matchedBoxes.push(det);
        assignments[d] = s.id;
      }

      const lost: Track[] = [];
      states = states.filter((s, t) => {
        if (merged[t]) return false;
        const unseen = timeMs - s.lastMatchMs;
        const gone = unseen > cfg.maxAgeMs + waitMs || (cfg.stitchRadius === 0 && cfg.reviveMs === 0) || walkedOut(s, timeMs);
        if (s.confirmed && unseen > cfg.maxAgeMs && gone) {
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
  s.appearance = updateAppearance(s.appearance, det);
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
