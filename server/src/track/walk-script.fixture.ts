/**
 * Test fixture: scripted people walking through a frame, turned into
 * detections frame by frame and fed through a real tracker and counter.
 * Used by the tracker and counter unit tests only (a scripted input, not a mock).
 */
import type { Detection } from "../detect/detector.ts";
import type { CountEvent, CountResult, CountTotals, Counter } from "../count/count-types.ts";
import type { TrackUpdate, Tracker } from "./track-types.ts";
import { createIouTracker } from "./iou-tracker.ts";
import { createPeopleCounter } from "../count/people-counter.ts";
import { seededRandom } from "../../../test/support/seeded-random.ts";

/** Where a walker's feet (bottom-centre of the box) are at time `t` (ms). */
export interface Waypoint {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

/** One scripted person. The feet move linearly between waypoints; outside the path the person is absent. */
export interface WalkerScript {
  readonly width: number;
  readonly height: number;
  readonly path: readonly Waypoint[];
  /** Detection score. Default 0.8. */
  readonly score?: number;
  /** Frames (index from the scene start) in which the detector misses this person. */
  readonly hidden?: (frame: number) => boolean;
  /** Deterministic box noise: each edge moves by up to ±amplitude. */
  readonly noise?: { readonly seed: number; readonly amplitude: number };
  /** The colour signature on every detection of this walker (`appearance/colour-signature.ts`). */
  readonly appearance?: string;
}

/** The detection a walker produces at `timeMs`, clipped to the frame, or null when absent or out of frame. */
export function walkerAt(w: WalkerScript, timeMs: number): Detection | null {
  const first = w.path[0];
  const last = w.path[w.path.length - 1];
  if (first === undefined || last === undefined || timeMs < first.t || timeMs > last.t) return null;
  let feet = { x: last.x, y: last.y };
  for (let i = 1; i < w.path.length; i++) {
    const p = w.path[i - 1]!;
    const q = w.path[i]!;
    if (timeMs <= q.t) {
      const k = q.t === p.t ? 1 : (timeMs - p.t) / (q.t - p.t);
      feet = { x: p.x + k * (q.x - p.x), y: p.y + k * (q.y - p.y) };
      break;
    }
  }
  const rand = w.noise === undefined ? () => 0 : seededRandom(w.noise.seed * 100_003 + Math.round(timeMs));
  const amp = w.noise?.amplitude ?? 0;
  const jitter = (): number => (rand() * 2 - 1) * amp;
  const left = Math.max(0, feet.x - w.width / 2 + jitter());
  const right = Math.min(1, feet.x + w.width / 2 + jitter());
  const top = Math.max(0, feet.y - w.height + jitter());
  const bottom = Math.min(1, feet.y + jitter());
  if (right - left < 0.02 || bottom - top < 0.02) return null;
  const box = { x: left, y: top, width: right - left, height: bottom - top, score: w.score ?? 0.8 };
  return w.appearance === undefined ? box : { ...box, appearance: w.appearance };
}

/** A walker moving in a straight line from `from` to `to` between `startMs` and `endMs`. */
export function straightWalk(
  from: { x: number; y: number },
  to: { x: number; y: number },
  startMs: number,
  endMs: number,
  extra: Partial<WalkerScript> = {},
): WalkerScript {
  return { width: 0.1, height: 0.3, ...extra, path: [{ t: startMs, ...from }, { t: endMs, ...to }] };
}

/** Options of {@link runScene}. */
export interface SceneOptions {
  readonly fps: number;
  readonly endMs: number;
  readonly startMs?: number;
  readonly walkers: readonly WalkerScript[];
  /** Extra detections per frame (false positives, shadows). */
  readonly extra?: (frame: number, timeMs: number) => Detection[];
  readonly tracker?: Tracker;
  readonly counter?: Counter;
  /** Called before each frame is processed, e.g. to change the line mid-stream. */
  readonly beforeFrame?: (frame: number, timeMs: number, counter: Counter) => void;
}

/** What a scene produced: every tracker update and counter result, all events, and the final totals. */
export interface SceneResult {
  readonly updates: readonly TrackUpdate[];
  readonly results: readonly CountResult[];
  readonly events: readonly CountEvent[];
  readonly totals: CountTotals;
}

/** Plays a scene frame by frame through a tracker and a counter (real ones by default). */
export function runScene(options: SceneOptions): SceneResult {
  const tracker = options.tracker ?? createIouTracker();
  const counter = options.counter ?? createPeopleCounter();
  const startMs = options.startMs ?? 0;
  const updates: TrackUpdate[] = [];
  const results: CountResult[] = [];
  for (let frame = 0; ; frame++) {
    const timeMs = startMs + Math.round((frame * 1000) / options.fps);
    if (timeMs > options.endMs) break;
    options.beforeFrame?.(frame, timeMs, counter);
    const detections: Detection[] = [];
    for (const w of options.walkers) {
      const d = w.hidden?.(frame) === true ? null : walkerAt(w, timeMs);
      if (d !== null) detections.push(d);
    }
    detections.push(...(options.extra?.(frame, timeMs) ?? []));
    const update = tracker.update(detections, timeMs);
    updates.push(update);
    results.push(counter.update(update));
  }
  const zero: CountTotals = { inView: 0, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
  return { updates, results, events: results.flatMap((r) => r.events), totals: results.at(-1)?.totals ?? zero };
}

/** Ids of the tracks matched to a detection in each frame (one array per frame). */
export function matchedIds(result: SceneResult): number[][] {
  return result.updates.map((u) => u.assignments.filter((id) => id !== 0));
}

