/**
 * Track revival: a person the tracker lost inside the picture and found again
 * too late or too far for stitching comes back as a new tentative track. When
 * that track is confirmed and it was born away from the frame's edges, where
 * nobody can walk in, it is the lost person: it takes over the lost track's
 * identity instead of counting as a new entry.
 *
 * Seen on vtest (recorded detections, `test/accuracy/`): a walker missed for
 * 2 to 15 s behind others or in a group box (G at F468, B at F577, J at F715)
 * or given a second box by the detector for a few frames (F53, F149, F231)
 * was counted as a new entry, and later as a second exit.
 */
import type { Box } from "../detect/detector.ts";
import { boxCentre } from "./box-math.ts";
import { touchesEdge } from "./track-stitching.ts";

/** How far a lost track may be from where a newborn track was first seen. */
export interface RevivalGate {
  /** Radius in box heights for a track lost at the moment of the birth. */
  readonly radius: number;
  /** How fast the radius grows with the time the track was lost before the birth, box heights per second. */
  readonly speed: number;
  /** Largest height ratio between the two boxes. */
  readonly sizeRatio: number;
}

/** What revival needs to know of a lost track. */
export interface LostTrack {
  /** Box of its last matched detection. */
  readonly box: Box;
  readonly lastMatchMs: number;
}

/** True when a track first seen at `birth` may be someone the tracker lost: it was born away from every edge. */
export function bornInside(birth: Box): boolean {
  return !touchesEdge(birth);
}

/**
 * Cost (0..1) of giving a newborn track, first seen at `birth` at `bornMs`,
 * the identity of `lost`, or undefined when it is too far or of another size.
 */
export function revivalCost(gate: RevivalGate, lost: LostTrack, birth: Box, bornMs: number): number | undefined {
  const big = Math.max(lost.box.height, birth.height);
  const small = Math.max(1e-9, Math.min(lost.box.height, birth.height));
  if (big / small > gate.sizeRatio) return undefined;
  const lostForS = Math.max(0, bornMs - lost.lastMatchMs) / 1000;
  const radius = (gate.radius + gate.speed * lostForS) * big;
  const a = boxCentre(lost.box);
  const b = boxCentre(birth);
  const distance = Math.hypot(a.x - b.x, a.y - b.y);
  return distance <= radius ? distance / radius : undefined;
}

/** What {@link findRevival} needs of the tracker's tuning. */
export interface RevivalSettings {
  readonly gate: RevivalGate;
  readonly maxAgeMs: number;
  readonly reviveMs: number;
}

/** What {@link findRevival} needs of each track. */
export interface RevivalCandidate extends LostTrack {
  readonly confirmed: boolean;
  readonly birth: Box;
  readonly bornMs: number;
}

/**
 * Index of the lost track that the newborn track `states[t]` is, if it was
 * born inside the frame near where a confirmed track vanished: the nearest
 * confirmed track, unmatched this frame (`taken` false) and lost for at most
 * `maxAgeMs + reviveMs`.
 */
export function findRevival(
  settings: RevivalSettings, states: readonly RevivalCandidate[], t: number, taken: (k: number) => boolean, timeMs: number,
): number | undefined {
  const s = states[t]!;
  if (settings.reviveMs === 0 || !bornInside(s.birth)) return undefined;
  let best: number | undefined;
  let bestCost = Infinity;
  states.forEach((o, k) => {
    if (k === t || !o.confirmed || taken(k) || timeMs - o.lastMatchMs > settings.maxAgeMs + settings.reviveMs) return;
    const cost = revivalCost(settings.gate, o, s.birth, s.bornMs);
    if (cost !== undefined && cost < bestCost) {
      best = k;
      bestCost = cost;
    }
  });
  return best;
}
