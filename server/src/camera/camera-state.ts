/**
 * The state the camera registry keeps per camera, and the pure steps on it:
 * made from a stored row, refreshed from one, its link figures, and the view
 * the count page gets (merged with other replicas' live figures).
 */

import type { CountTotals, Line, Places } from "../count/count-types.ts";
import type { StoredCamera, StoredTotals } from "../store/store.ts";
import { PlaceFigures, type LineCountsView, type ZoneCountsView } from "./place-figures.ts";
import { RecentMinutes, type PeriodTotals } from "./recent-minutes.ts";
import { type LiveFigures, mergeLive, type RemoteReport } from "./remote-live.ts";

/** A camera as the count page sees it. */
export interface CameraView {
  readonly cameraId: string;
  readonly name: string;
  readonly online: boolean;
  readonly totals: CountTotals;
  readonly ackedFps: number;
  readonly latencyMs: number;
  readonly lastSeenAtMs: number;
  readonly line: Line | null;
  readonly places: Places;
  readonly lineCounts: readonly LineCountsView[];
  readonly zoneCounts: readonly ZoneCountsView[];
  /** When the totals were last reset, or null. */
  readonly resetAtMs: number | null;
  /** What was stored since the viewer's local midnight, at the same moment as `totals`. */
  readonly today: PeriodTotals;
}

/** A session's people in view, and when it last reported them. */
export interface SessionInView {
  readonly inView: number;
  readonly atMs: number;
}

/** One camera in the registry: the mirror of its stored row and what only exists while the server runs. */
export interface CameraState {
  readonly cameraId: string;
  name: string;
  /** entered/exited/crossings accumulate; inView is the sum over sessions that reported recently. */
  totals: CountTotals;
  readonly inViewBySession: Map<string, SessionInView>;
  line: Line | null;
  /** Its lines and zones, their counts and live zone figures. */
  readonly places: PlaceFigures;
  resetAtMs: number | null;
  lastSeenAtMs: number;
  /** When a session was last attached (a session counts as sending for a while before its first ack). */
  attachedAtMs: number;
  /** [ackTimeMs, serverMs] of recent acks, for fps and latency; trimmed to the window. */
  readonly recent: Array<[number, number]>;
  /** The latest live figures other replicas reported, by replica. */
  readonly remote: Map<string, RemoteReport>;
  /** Stored counts per minute of the last day, updated with `totals` (for "today"). */
  readonly minutes: RecentMinutes;
}

/** Acks within this window give a camera's fps and latency. */
const WINDOW_MS = 5_000;
/**
 * A camera with an open session but no ack for this long shows offline: a
 * tab closed without Stop keeps its session until the idle timeout, but the
 * count page should not claim it is still sending. (The page sends at least 1 fps.)
 */
const STALE_MS = 10_000;
/**
 * A session with no processed frame for this long no longer adds its people
 * to the camera's in view. A page that was stopped or restarted leaves its old
 * session open until the idle timeout; its last people must not be added to
 * the new session's (that showed 10 in view with 3 people drawn).
 */
const IN_VIEW_FRESH_MS = 3_000;

/** A new camera's state from its stored row; `changed` is called when its place figures change. */
export function newCameraState(stored: StoredCamera, changed: () => void): CameraState {
  return {
    cameraId: stored.cameraId,
    name: stored.name,
    totals: { inView: 0, ...stored.totals },
    inViewBySession: new Map(),
    line: stored.line,
    places: new PlaceFigures(changed),
    resetAtMs: stored.resetAtMs,
    lastSeenAtMs: stored.lastSeenAtMs ?? 0,
    attachedAtMs: 0,
    recent: [],
    remote: new Map(),
    minutes: new RecentMinutes(),
  };
}

/** Refreshes a known camera from its stored row (name, line, totals); live state is kept. */
export function refreshCameraState(cam: CameraState, stored: StoredCamera): void {
  cam.name = stored.name;
  cam.line = stored.line;
  // Totals only grow between resets: an older read (a reload that raced an append) never moves them back.
  const older = stored.resetAtMs === cam.resetAtMs && countedOf(stored.totals) < countedOf(cam.totals);
  cam.resetAtMs = stored.resetAtMs;
  if (!older) cam.totals = { ...stored.totals, inView: cam.totals.inView };
  cam.lastSeenAtMs = Math.max(cam.lastSeenAtMs, stored.lastSeenAtMs ?? 0);
}

/** Records an ack sent at `nowMs`, keeping the acks of the fps and latency window. */
export function recordAckOf(cam: CameraState, nowMs: number, serverMs: number): void {
  cam.lastSeenAtMs = nowMs;
  cam.recent.push([nowMs, serverMs]);
  while (cam.recent.length > 0 && cam.recent[0]![0] < nowMs - WINDOW_MS) cam.recent.shift();
}

function countedOf(t: StoredTotals): number {
  return t.entered + t.exited + t.crossedIn + t.crossedOut;
}

/** People in view over the sessions that reported within {@link IN_VIEW_FRESH_MS} of `nowMs`. */
export function sumFresh(m: Map<string, SessionInView>, nowMs: number): number {
  let n = 0;
  for (const v of m.values()) if (nowMs - v.atMs <= IN_VIEW_FRESH_MS) n += v.inView;
  return n;
}

/** The camera's own live figures as of `nowMs` (what this replica reports to the others). */
export function localFigures(c: CameraState, nowMs: number): LiveFigures {
  const recent = c.recent.filter(([t]) => t >= nowMs - WINDOW_MS);
  const latencies = recent.map(([, ms]) => ms).sort((a, b) => a - b);
  return {
    online: c.inViewBySession.size > 0 && nowMs - Math.max(c.lastSeenAtMs, c.attachedAtMs) < STALE_MS,
    // People in view as of now: a device that stopped sending no longer shows its last people.
    inView: sumFresh(c.inViewBySession, nowMs),
    ackedFps: recent.length / (WINDOW_MS / 1000),
    latencyMs: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : 0,
    lastSeenAtMs: c.lastSeenAtMs,
  };
}

/** The camera as the count page sees it, merged with the other replicas' figures; `dayStartMs` starts "today". */
export function cameraView(c: CameraState, nowMs: number, dayStartMs: number): CameraView {
  const live = mergeLive(localFigures(c, nowMs), c.inViewBySession.size > 0, c.remote, nowMs);
  return {
    cameraId: c.cameraId,
    name: c.name,
    online: live.online,
    totals: { ...c.totals, inView: live.inView },
    ackedFps: live.ackedFps,
    latencyMs: live.latencyMs,
    lastSeenAtMs: live.lastSeenAtMs,
    line: c.line,
    places: c.places.places,
    ...c.places.counts(nowMs),
    resetAtMs: c.resetAtMs,
    today: c.minutes.day(dayStartMs),
  };
}
