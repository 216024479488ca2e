import type { CountTotals, Line, Places } from "../count/count-types.ts";
import type { NewEvent, SeriesPoint, StoredCamera, StoredTotals } from "../store/store.ts";
import { PlaceFigures, type LineCountsView, type ZoneCountsView } from "./place-figures.ts";
import { localDayStart, RecentMinutes, type PeriodTotals } from "./recent-minutes.ts";
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
interface SessionInView {
  readonly inView: number;
  readonly atMs: number;
}

interface CameraState {
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
/** A camera's latest frame is refreshed at most this often (a copy, in memory only). */
const FRAME_REFRESH_MS = 1_000;

/** A recent frame of a camera, for drawing its line on the count page. */
export interface LatestFrame {
  readonly jpeg: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly capturedAtMs: number;
}

/** Listens for any change the count page should see. */
export type CameraChangeListener = (cameraId: string) => void;

/**
 * Cameras as the count page sees them, in memory: the stored name, line and
 * totals (the store is the source of truth for those; this is its live
 * mirror) plus what only exists while the server runs: people in view per
 * session and the link's fps and latency.
 */
export class CameraRegistry {
  private readonly cameras = new Map<string, CameraState>();
  private readonly listeners = new Set<CameraChangeListener>();
  private readonly frames = new Map<string, LatestFrame>();

  /** Creates or refreshes a camera from its stored row (name, line, totals); live state is kept. */
  load(stored: StoredCamera): void {
    let cam = this.cameras.get(stored.cameraId);
    if (!cam) {
      cam = {
        cameraId: stored.cameraId,
        name: stored.name,
        totals: { inView: 0, ...stored.totals },
        inViewBySession: new Map(),
        line: stored.line,
        places: new PlaceFigures(() => this.emit(stored.cameraId)),
        resetAtMs: stored.resetAtMs,
        lastSeenAtMs: stored.lastSeenAtMs ?? 0,
        attachedAtMs: 0,
        recent: [],
        remote: new Map(),
        minutes: new RecentMinutes(),
      };
      this.cameras.set(stored.cameraId, cam);
    } else {
      cam.name = stored.name;
      cam.line = stored.line;
      // Totals only grow between resets: an older read (a reload that raced an append) never moves them back.
      const older = stored.resetAtMs === cam.resetAtMs && countedOf(stored.totals) < countedOf(cam.totals);
      cam.resetAtMs = stored.resetAtMs;
      if (!older) cam.totals = { ...stored.totals, inView: cam.totals.inView };
      cam.lastSeenAtMs = Math.max(cam.lastSeenAtMs, stored.lastSeenAtMs ?? 0);
    }
    cam.places.load(stored);
    this.emit(stored.cameraId);
  }

  /** Sets the camera's stored minute buckets of the last day (read at start, or after another replica's append), for "today". */
  loadMinutes(cameraId: string, points: readonly SeriesPoint[]): void {
    this.require(cameraId).minutes.load(points);
    this.emit(cameraId);
  }

  /** Marks a session of the camera live (online while any is and acks keep coming). */
  attachSession(cameraId: string, sessionId: string, nowMs = Date.now()): void {
    const cam = this.require(cameraId);
    cam.inViewBySession.set(sessionId, { inView: 0, atMs: nowMs });
    cam.attachedAtMs = nowMs;
    this.emit(cameraId);
  }

  /** A session ended: its people are no longer in view. */
  detachSession(cameraId: string, sessionId: string): void {
    const cam = this.cameras.get(cameraId);
    if (!cam || !cam.inViewBySession.delete(sessionId)) return;
    cam.totals = { ...cam.totals, inView: sumFresh(cam.inViewBySession, Date.now()) };
    this.emit(cameraId);
  }

  /**
   * Applies one processed frame of a session: its people in view and, when
   * it counted something, the totals the store returned after storing its
   * `events`. Returns the camera's totals after the frame (what its ack reports).
   */
  applyFrame(cameraId: string, sessionId: string, inView: number, stored: StoredTotals | null, events: readonly NewEvent[] = [], nowMs = Date.now()): CountTotals {
    const cam = this.require(cameraId);
    if (cam.inViewBySession.has(sessionId)) cam.inViewBySession.set(sessionId, { inView, atMs: nowMs });
    const before = cam.totals;
    cam.totals = { ...(stored ?? before), inView: sumFresh(cam.inViewBySession, nowMs) };
    if (stored) cam.minutes.record(events, nowMs);
    if (stored || cam.totals.inView !== before.inView) this.emit(cameraId);
    return { ...cam.totals };
  }

  /** Applies totals the store returned for `events` stored outside a frame (a session's closing exits). */
  applyTotals(cameraId: string, stored: StoredTotals, events: readonly NewEvent[]): void {
    const cam = this.cameras.get(cameraId);
    if (!cam) return;
    cam.totals = { ...stored, inView: cam.totals.inView };
    cam.minutes.record(events, Date.now());
    this.emit(cameraId);
  }

  /** Records an ack sent, for the camera's fps and latency figures. */
  recordAck(cameraId: string, nowMs: number, serverMs: number): void {
    const cam = this.require(cameraId);
    cam.lastSeenAtMs = nowMs;
    cam.recent.push([nowMs, serverMs]);
    while (cam.recent.length > 0 && cam.recent[0]![0] < nowMs - WINDOW_MS) cam.recent.shift();
  }

  /**
   * Offers a processed frame as the camera's latest; kept (copied) at most
   * once a second, never written anywhere.
   */
  offerFrame(cameraId: string, frame: LatestFrame): void {
    const current = this.frames.get(cameraId);
    if (current && frame.capturedAtMs - current.capturedAtMs < FRAME_REFRESH_MS && frame.capturedAtMs >= current.capturedAtMs) return;
    this.frames.set(cameraId, { ...frame, jpeg: new Uint8Array(frame.jpeg) });
  }

  /** The camera's latest frame, or null when none was seen since the server started. */
  latestFrame(cameraId: string): LatestFrame | null {
    return this.frames.get(cameraId) ?? null;
  }

  /** This replica's own live figures of a camera (what it reports to the others), or null when it has no session of it. */
  localLive(cameraId: string, nowMs: number): LiveFigures | null {
    const cam = this.cameras.get(cameraId);
    return cam && cam.inViewBySession.size > 0 ? localFigures(cam, nowMs) : null;
  }

  /** Another replica's live figures of a known camera (ignored for an unknown one: its row comes first). */
  applyRemoteLive(cameraId: string, replicaId: string, live: LiveFigures, nowMs: number): void {
    const cam = this.cameras.get(cameraId);
    if (!cam) return;
    cam.remote.set(replicaId, { live, receivedAtMs: nowMs });
    this.emit(cameraId);
  }

  /** The camera's line "line", or null. */
  lineOf(cameraId: string): Line | null {
    return this.cameras.get(cameraId)?.line ?? null;
  }

  /** The camera's lines and zones and their figures (a new empty set for an unknown camera). */
  placesOf(cameraId: string): PlaceFigures {
    return this.cameras.get(cameraId)?.places ?? new PlaceFigures();
  }

  /** The camera's current totals, or null for an unknown camera. */
  totalsOf(cameraId: string): CountTotals | null {
    const cam = this.cameras.get(cameraId);
    return cam ? { ...cam.totals } : null;
  }

  has(cameraId: string): boolean {
    return this.cameras.has(cameraId);
  }

  /** Every camera, sorted by name, as of `nowMs`; "today" starts at local midnight at `utcOffsetMinutes`. */
  list(nowMs: number, utcOffsetMinutes = 0): CameraView[] {
    const dayStart = localDayStart(nowMs, utcOffsetMinutes);
    return [...this.cameras.values()].map((c) => view(c, nowMs, dayStart)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: CameraChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private require(cameraId: string): CameraState {
    const cam = this.cameras.get(cameraId);
    if (!cam) throw new Error(`unknown camera ${cameraId}`);
    return cam;
  }

  private emit(cameraId: string): void {
    for (const l of this.listeners) l(cameraId);
  }
}

function countedOf(t: StoredTotals): number {
  return t.entered + t.exited + t.crossedIn + t.crossedOut;
}

/** People in view over the sessions that reported within {@link IN_VIEW_FRESH_MS} of `nowMs`. */
function sumFresh(m: Map<string, SessionInView>, nowMs: number): number {
  let n = 0;
  for (const v of m.values()) if (nowMs - v.atMs <= IN_VIEW_FRESH_MS) n += v.inView;
  return n;
}

function localFigures(c: CameraState, nowMs: number): LiveFigures {
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

function view(c: CameraState, nowMs: number, dayStartMs: number): CameraView {
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
