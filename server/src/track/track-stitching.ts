/**
 * Track stitching: giving a detection that matched nothing back to a
 * confirmed track the detector lost for a while, instead of starting a new
 * identity. Small, far-away people are missed for a second or two at a time;
 * without this each miss splits one walker into several tracks, doubling
 * entries and hiding line crossings (the new track never saw the old side).
 *
 * Also decides when a lost track cannot come back because it walked out of
 * the frame, so exits are not delayed by the stitching wait.
 */
import type { Box } from "../detect/detector.ts";
import type { Point } from "./box-math.ts";
import { boxCentre } from "./box-math.ts";

/** What stitching needs to know of a track. */
export interface StitchableTrack {
  /** Box of the last matched detection. */
  readonly box: Box;
  /** Smoothed centre velocity, normalized units per ms. */
  readonly velocity: { readonly x: number; readonly y: number } | undefined;
  readonly lastMatchMs: number;
}

/** The stitching gate: radius in box heights and largest height ratio. */
export interface StitchGate {
  readonly radius: number;
  readonly sizeRatio: number;
}

// A box this close to a frame border (normalized units) is touching it.
const EDGE_MARGIN = 0.03;

/**
 * Cost of stitching `det` to `track` at `timeMs`: the distance from the
 * detection's centre to the path from the track's last centre to its
 * constant-velocity prediction, in gate radii (0..1), or undefined when the
 * detection is outside the gate or of a clearly different size. The whole path
 * counts, not only its end, because a person the detector loses has often
 * slowed down or stopped.
 */
export function stitchCost(gate: StitchGate, track: StitchableTrack, det: Box, timeMs: number): number | undefined {
  if (gate.radius <= 0) return undefined;
  const big = Math.max(track.box.height, det.height);
  const small = Math.max(1e-9, Math.min(track.box.height, det.height));
  if (big / small > gate.sizeRatio) return undefined;
  const from = boxCentre(track.box);
  const to = predictedCentre(track, timeMs);
  const distance = distanceToSegment(boxCentre(det), from, to);
  const radius = gate.radius * big;
  return distance <= radius ? distance / radius : undefined;
}

/**
 * True when a track has walked out of the picture: its last box touches a
 * frame border and it was moving across that border, or its predicted centre
 * is outside the frame. Such a track is lost without waiting to be stitched.
 */
export function walkedOut(track: StitchableTrack, timeMs: number): boolean {
  const v = track.velocity;
  if (v === undefined) return false;
  const b = track.box;
  const towards =
    (b.x <= EDGE_MARGIN && v.x < 0) ||
    (b.x + b.width >= 1 - EDGE_MARGIN && v.x > 0) ||
    (b.y <= EDGE_MARGIN && v.y < 0) ||
    (b.y + b.height >= 1 - EDGE_MARGIN && v.y > 0);
  if (towards) return true;
  const c = predictedCentre(track, timeMs);
  return c.x < 0 || c.x > 1 || c.y < 0 || c.y > 1;
}

/** True when a box touches a frame border (within a small margin). */
export function touchesEdge(b: Box): boolean {
  return b.x <= EDGE_MARGIN || b.y <= EDGE_MARGIN || b.x + b.width >= 1 - EDGE_MARGIN || b.y + b.height >= 1 - EDGE_MARGIN;
}

function predictedCentre(track: StitchableTrack, timeMs: number): Point {
  const c = boxCentre(track.box);
  if (track.velocity === undefined) return c;
  const dt = Math.max(0, timeMs - track.lastMatchMs);
  return { x: c.x + track.velocity.x * dt, y: c.y + track.velocity.y * dt };
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSq = dx * dx + dy * dy;
  const t = lengthSq === 0 ? 0 : Math.min(1, Math.max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSq));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
