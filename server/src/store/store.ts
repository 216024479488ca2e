import type { Line, Places } from "../count/count-types.ts";
import type { AccessStore } from "./access-store.ts";
import type { AreaStore } from "./area-store.ts";
import type { StoredCamera, NewEvent, AppendResult, StoredSession, LostSession } from "./store-records.ts";
import type { SeriesQuery, DwellQuery, SeriesPoint, EventQuery, EventPage, SessionQuery } from "./store-reads.ts";

/**
 * What the store keeps about a camera, session and count event. The store
 * never holds frames or images: only counts, the history of counted events
 * and per-minute aggregates of them.
 *
 * Every method returns a promise: the embedded SQLite store works
 * synchronously, the PostgreSQL store (shared by several server replicas)
 * does not, and callers cannot tell them apart.
 */

// The records and queries live in their own modules; importers keep importing them from here.
export { STORED_EVENT_KINDS, STORED_EVENT_REASONS } from "./store-records.ts";
export type { StoredEventKind, StoredEventReason, StoredTotals, StoredLine, StoredZone, PlaceTotals, StoredCamera, NewEvent, StoredEvent, AppendResult, StoredSession, LostSession } from "./store-records.ts";
export { MAX_DWELL_SAMPLES } from "./store-reads.ts";
export type { BucketSize, SeriesQuery, DwellQuery, SeriesPoint, EventQuery, EventPage, SessionQuery } from "./store-reads.ts";

/**
 * Persistence of cameras, sessions, count events and per-minute aggregates.
 * Unknown cameras or sessions and invalid input are DomainErrors
 * (NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT) so services can pass them on.
 */
export interface Store {
  /** Creates the camera on first sight; renames it when `name` is not empty. */
  upsertCamera(cameraId: string, name: string, nowMs: number): Promise<StoredCamera>;
  /** Creates the camera named `nameIfNew` (its id when empty) on first sight; never renames one that exists. */
  ensureCamera(cameraId: string, nameIfNew: string, nowMs: number): Promise<StoredCamera>;
  /** Renames a known camera (`name` must not be empty). */
  renameCamera(cameraId: string, name: string): Promise<StoredCamera>;
  /** Sets, or clears with null, a known camera's line with id "line" (its other lines and zones stay). */
  setLine(cameraId: string, line: Line | null): Promise<StoredCamera>;
  /**
   * Replaces a known camera's lines and zones (checked: see checkPlaces). A
   * line or zone keeping its id (and kind) keeps its counts.
   */
  setPlaces(cameraId: string, places: Places): Promise<StoredCamera>;
  /** One camera, or null when unknown. */
  getCamera(cameraId: string): Promise<StoredCamera | null>;
  /** Every camera, sorted by name. */
  listCameras(): Promise<StoredCamera[]>;

  /**
   * Records a new capture session of a known camera, served by `replicaId`,
   * and makes it the camera's live session (taking the camera over from any
   * other: that one's later appends are refused with ABORTED).
   */
  openSession(sessionId: string, cameraId: string, openedAtMs: number, replicaId?: string): Promise<void>;
  /**
   * Records a session's end, once: with `exits` (its people still in view,
   * see Counter.close) appended in the same transaction. Resolves with the
   * camera's totals after it, or null when the session is unknown or was
   * closed already (then nothing is written, so the exits are never stored twice).
   */
  closeSession(sessionId: string, closedAtMs: number, framesAcked: number, exits?: readonly NewEvent[]): Promise<AppendResult | null>;
  /**
   * Closes every session a previous run left open (the server was killed):
   * each track its session counted as entered and never as exited exits at
   * the session's last stored event (reason "session_lost"), and each zone
   * stay it began and never ended leaves there (dwell up to then), which also
   * becomes its end (frames acked unknown: null). Call it at start, before
   * any session opens: every open session is then a lost one.
   */
  closeLostSessions(): Promise<LostSession[]>;
  /** Records that replica `replicaId` is alive at `nowMs`. */
  beat(replicaId: string, nowMs: number): Promise<void>;
  /**
   * Closes the open sessions of every replica but `selfId` whose last beat
   * is older than `staleBeforeMs` (it was killed), as closeLostSessions does,
   * and forgets those replicas. Exactly once: when several replicas call it
   * at once, each stale replica is closed by one of them.
   */
  closeStaleReplicas(selfId: string, staleBeforeMs: number): Promise<LostSession[]>;
  /** Sessions that overlap a time range (a session never closed counts as still open). */
  listSessions(query: SessionQuery): Promise<StoredSession[]>;

  /**
   * Appends one frame's events in order, with their minute aggregates and the
   * camera's totals, in one transaction; resolves once committed (see the
   * implementation for how durable that is). `sessionId` is null for events
   * not made by a capture session (a reset from the count page). An empty
   * batch writes nothing and returns the current totals.
   *
   * `seq` (the frame's sequence number) makes the append idempotent: a batch
   * of a session appended again with a seq already stored (a retry after a
   * lost connection or a failover) changes nothing and resolves to the
   * current totals with the ids first given to it.
   *
   * A batch of a session that no longer holds the camera (see
   * StoredCamera.liveSessionId) is refused: ABORTED (cameraTakenOver) when
   * another session took it, UNAVAILABLE when the session was closed as lost.
   */
  appendEvents(cameraId: string, sessionId: string | null, events: readonly NewEvent[], seq?: number): Promise<AppendResult>;

  /** Entry, exit and crossing counts per bucket. */
  series(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** A page of the event log. */
  events(query: EventQuery): Promise<EventPage>;
  /** A zone's finished stays (time of leave, dwell), oldest first, at most MAX_DWELL_SAMPLES. */
  dwellSamples(query: DwellQuery): Promise<Array<{ timeMs: number; dwellMs: number }>>;

  /** Pairing tokens and server secrets, kept in the same database. */
  readonly access: AccessStore;
  /** Areas: cameras' lines counted together as one place's doors. */
  readonly areas: AreaStore;

  /** Closes the database; later calls fail. */
  close(): Promise<void>;
}

/** Why a database could not be opened. */
export type StoreOpenFailure = "not-a-database" | "corrupt" | "foreign" | "too-new" | "io";

/** Thrown when opening the store fails; the message says what to do. */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
  constructor(
    readonly reason: StoreOpenFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
