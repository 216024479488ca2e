/**
 * A ByteTrack-style IoU tracker with constant-velocity prediction: pure,
 * synchronous, no I/O; the frame time is an argument.
 *
 * Per frame: (1) every track's box is predicted at `timeMs` from its smoothed
 * velocity; (2) high-score detections are matched to all tracks by IoU, with a
 * centre-distance fallback (gate scaled by box height and elapsed time, up
 * to a horizon) for fast movers whose boxes no longer overlap; (3) low-score
 * detections are matched to the tracks left over, by IoU only
 * (`frame-matching.ts`); (4) high-score detections still unmatched are
 * stitched to confirmed tracks unseen for a while if near their path and not
 * of clearly different colours (`track-stitching.ts`, `appearance-gate.ts`);
 * two tracks that were boxed together and are matched apart again swap
 * detections when that follows on better from how each moved before
 * (`pair-split.ts`); (5) a tentative track reaching `minHits` is confirmed, unless it was born
 * away from the frame's edges near where a confirmed track vanished: then it
 * revives that track (`track-revival.ts`); (6) the rest start tentative
 * tracks, unless they duplicate a matched box.
 *
 * A confirmed track unmatched for `maxAgeMs` leaves stages 1-3 and is lost,
 * unless it vanished inside the frame: then it stays (still listed, with its
 * misses growing, so the counter keeps its line side) for `stitchMs` or
 * `reviveMs` more, whichever is longer.
 */
import type { Detection } from "../detect/detector.ts";
import type { Track, TrackUpdate, Tracker } from "./track-types.ts";
import type { IouTrackerConfig } from "./iou-tracker-config.ts";
import { iou } from "./box-math.ts";
import { defaultIouTrackerConfig, validateIouTrackerConfig } from "./iou-tracker-config.ts";
import { stitchCost, walkedOut } from "./track-stitching.ts";
import { findRevival } from "./track-revival.ts";
import { looksDifferent } from "./appearance-gate.ts";
import { decodeSignature } from "../appearance/colour-signature.ts";
import { FrameMatching, highCost, lowCost } from "./frame-matching.ts";
import { isSecondBox, overlapsAny } from "./second-box.ts";
import { noteClear, unswapPairs } from "./pair-split.ts";
import { absorb, hit, predictBox, snapshot, startTrack, type TrackState } from "./track-state.ts";

export { defaultIouTrackerConfig, type IouTrackerConfig } from "./iou-tracker-config.ts";

/** Creates a tracker; `config` overrides the defaults field by field. Throws RangeError on invalid values. */
export function createIouTracker(config: Partial<IouTrackerConfig> = {}): Tracker {
  const cfg: IouTrackerConfig = { ...defaultIouTrackerConfig, ...config };
  validateIouTrackerConfig(cfg);
  const gate = { radius: cfg.stitchRadius, sizeRatio: cfg.stitchSizeRatio };
  const revival = {
    gate: { radius: cfg.reviveRadius, speed: cfg.reviveSpeed, sizeRatio: cfg.stitchSizeRatio },
    maxAgeMs: cfg.maxAgeMs,
    reviveMs: cfg.reviveMs,
  };
  // A track lost inside the frame stays listed (not yet an exit) while it may be stitched or revived.
  const waitMs = Math.max(cfg.stitchMs, cfg.reviveMs);
  const secondBox = { duplicateIou: cfg.duplicateIou, containment: cfg.secondBoxContainment };
  const pairs = { pairIou: cfg.pairIou, pairSwapRatio: cfg.pairSwapRatio, maxAgeMs: cfg.maxAgeMs };
  let nextId = 1;
  let states: TrackState[] = [];

  return {
    update(detections: readonly Detection[], timeMs: number): TrackUpdate {
      const predicted = states.map((s) => predictBox(s, timeMs));
      const unseenMs = states.map((s) => timeMs - s.lastMatchMs);
      // Past maxAgeMs a prediction has drifted too far for overlap to mean anything; only stitching may revive it.
      const byOverlap = states.map((s, t) => !s.confirmed || unseenMs[t]! <= cfg.maxAgeMs);
      const byStitch = states.map((s, t) => s.confirmed && unseenMs[t]! > cfg.gateHorizonMs);
      const m = new FrameMatching(states, detections.length);
      const { trackOf, holderOf, merged } = m;
      const assignments = new Array<number>(detections.length).fill(0);
      const high: number[] = [];
      const low: number[] = [];
      detections.forEach((d, i) => {
        if (d.height < cfg.minHeight) return;
        if (d.score >= cfg.highScore) high.push(i);
        else if (d.score >= cfg.lowScore) low.push(i);
      });

      m.match(byOverlap, high, (t, d) => highCost(cfg, states[t]!, predicted[t]!, detections[d]!, timeMs));
      m.match(byOverlap, low, (t, d) => lowCost(cfg, predicted[t]!, detections[d]!));
      // A person re-found after a miss may already have started a tentative track; stitching takes it over.
      const held = detections.filter((_, i) => holderOf[i] !== -1 && states[holderOf[i]!]!.confirmed);
      const fresh = high.filter((d) => {
        const h = holderOf[d]!;
        // A second box on a tracked person must not revive a lost track next to it.
        return (h === -1 || !states[h]!.confirmed) && !isSecondBox(secondBox, detections[d]!, held);
      });
      m.match(byStitch, fresh, (t, d) => {
        const det = detections[d]!;
        // Someone else walking past where a person was lost (vtest F287, F500, F722).
        if (looksDifferent(cfg.stitchMinSimilarity, states[t]!.appearance, decodeSignature(det.appearance))) return undefined;
        return stitchCost(gate, states[t]!, det, timeMs);
      }, true);
      // Two people boxed together and apart again may have swapped tracks (vtest F751).
      unswapPairs(pairs, states, detections, m, timeMs);
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
      noteClear(states, (k) => trackOf[k] !== -1 && !merged[k], timeMs);
      const tracked = states.filter((o, k) => o.confirmed && trackOf[k] !== -1).map((o) => o.box);
      for (const t of confirming) {
        const s = states[t]!;
        // Maybe a second box on a tracked person: wait until it stands alone.
        if (overlapsAny(s.box, tracked, cfg.shadowIou)) continue;
        const old = findRevival(revival, states, t, (k) => merged[k]! || trackOf[k] !== -1, timeMs);
        if (old === undefined) {
          s.confirmed = true;
          confirmed.push(s.id);
          continue;
        }
        // The newborn is a person the tracker lost: the old identity goes on with the new track's state.
        const o = states[old]!;
        absorb(o, s);
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
        if (assignments[d] !== 0 || matchedBoxes.some((b) => iou(b, det) >= cfg.duplicateIou)) continue;
        const s = startTrack(cfg, nextId++, det, timeMs);
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
