import type { CountTotals, Line } from "../count/count-types.ts";
import type { NewEvent, SeriesPoint, StoredCamera, StoredTotals } from "../store/store.ts";
import { type CameraState, type CameraView, cameraView, localFigures, newCameraState, recordAckOf, refreshCameraState, sumFresh } from "./camera-state.ts";
import { type LatestFrame, LatestFrames } from "./latest-frames.ts";
import { PlaceFigures } from "./place-figures.ts";
import { localDayStart } from "./recent-minutes.ts";
import type { LiveFigures } from "./remote-live.ts";

export type { CameraView } from "./camera-state.ts";
export type { LatestFrame } from "./latest-frames.ts";

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
  private readonly frames = new LatestFrames();

  /** Creates or refreshes a camera from its stored row (name, line, totals); live state is kept. */
  load(stored: StoredCamera): void {
    let cam = this.cameras.get(stored.cameraId);
    if (!cam) {
      cam = newCameraState(stored, () => this.emit(stored.cameraId));
      this.cameras.set(stored.cameraId, cam);
    } else {
      refreshCameraState(cam, stored);
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
    recordAckOf(this.require(cameraId), nowMs, serverMs);
  }

  /**
   * Offers a processed frame as the camera's latest; kept (copied) at most
   * once a second, never written anywhere.
   */
  offerFrame(cameraId: string, frame: LatestFrame): void {
    this.frames.offer(cameraId, frame);
  }

  /** The camera's latest frame, or null when none was seen since the server started. */
  latestFrame(cameraId: string): LatestFrame | null {
    return this.frames.latest(cameraId);
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
    return [...this.cameras.values()].map((c) => cameraView(c, nowMs, dayStart)).sort((a, b) => a.name.localeCompare(b.name));
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
