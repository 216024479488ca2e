import type { Line, NamedLine, Places, Zone } from "../count/count-types.ts";
import type { AccessStore } from "./access-store.ts";
import type { AreaStore } from "./area-store.ts";

/**
 * What the store keeps about a camera, session and count event. The store
 * never holds frames or images: only counts, the history of counted events
 * and per-minute aggregates of them.
 *
 * Every method returns a promise: the embedded SQLite store works
 * synchronously, the PostgreSQL store (shared by several server replicas)
 * does not, and callers cannot tell them apart.
 */

/** A kind of stored event; "reset" restarts a camera's totals at zero. */
export type StoredEventKind = "entry" | "exit" | "cross_in" | "cross_out" | "reset" | "zone_enter" | "zone_leave";

/** Every event kind, in the order of their numeric codes in the database. */
export const STORED_EVENT_KINDS: readonly StoredEventKind[] = ["entry", "exit", "cross_in", "cross_out", "reset", "zone_enter", "zone_leave"];

/**
 * Why an event was counted other than by what the camera saw: an exit
 * counted because its session ended with the person still in view.
 */
export type StoredEventReason = "capture_stopped" | "session_lost";

/** Every reason, in the order of their numeric codes in the database (1, 2, ...; none is NULL). */
export const STORED_EVENT_REASONS: readonly StoredEventReason[] = ["capture_stopped", "session_lost"];

/** The totals a camera accumulates (people in view is live and never stored). */
export interface StoredTotals {
  readonly entered: number;
  readonly exited: number;
  readonly crossedIn: number;
  readonly crossedOut: number;
}

/** A named line with its crossings since the camera's last reset. */
export interface StoredLine extends NamedLine {
  readonly crossedIn: number;
  readonly crossedOut: number;
}

/** A zone with its stays begun (entered) and ended (left) since the camera's last reset. */
export interface StoredZone extends Zone {
  readonly entered: number;
  readonly left: number;
}

/** The per-line and per-zone counts of a camera, in its order. */
export interface PlaceTotals {
  readonly lines: readonly { readonly lineId: string; readonly crossedIn: number; readonly crossedOut: number }[];
  readonly zones: readonly { readonly zoneId: string; readonly entered: number; readonly left: number }[];
}

/** A camera with its stored totals. */
export interface StoredCamera {
  readonly cameraId: string;
  readonly name: string;
  /** The line with id "line" (the camera's single line before lines were named), or null. */
  readonly line: Line | null;
  /** Every named line and zone, in order, with their counts. */
  readonly lines: readonly StoredLine[];
  readonly zones: readonly StoredZone[];
  /** Totals over the events appended since the camera's last reset. */
  readonly totals: StoredTotals;
  /** Time of the last reset event (Unix ms), or null if never reset. */
  readonly resetAtMs: number | null;
  readonly createdAtMs: number;
  /**
   * When the camera was last known to send (Unix ms), from what is stored:
   * its last counted event or the end of its last session (a session ends
   * within the idle timeout of its last frame; one cut short by a crash
   * gives its start). Null when unknown. Only `listCameras` fills it in: it
   * is for the count page after a restart; while running, the server knows
   * better from the acks.
   */
  readonly lastSeenAtMs?: number | null;
  /**
   * The session that holds the camera: the last one opened for it (absent
   * when none holds it). Only its batches are counted; a replica running
   * another session of the camera ends it (see cameraTakenOver).
   */
  readonly liveSessionId?: string;
}

/** An event to append: what the counter produced, or a reset. */
export interface NewEvent {
  readonly kind: StoredEventKind;
  /** The track counted; 0 for a reset. */
  readonly trackId: number;
  /** When it happened (Unix ms; the frame's capture time for counted events). */
  readonly timeMs: number;
  /** Set only for an exit or zone leave counted because its session ended. */
  readonly reason?: StoredEventReason | null;
  /** The line of a crossing (absent for a crossing of an unnamed line: none since lines are named). */
  readonly lineId?: string;
  /** The zone of a zone event. */
  readonly zoneId?: string;
  /** A zone leave's dwell, ms. */
  readonly dwellMs?: number;
}

/** A stored event; `id` grows with the order of appends (across all cameras). */
export interface StoredEvent {
  readonly id: number;
  readonly cameraId: string;
  /** The capture session that counted it; null for a reset made from the count page. */
  readonly sessionId: string | null;
  readonly kind: StoredEventKind;
  readonly trackId: number;
  readonly timeMs: number;
  /** Null for what the frames showed. */
  readonly reason: StoredEventReason | null;
  /** The line of a crossing, the zone of a zone event; null otherwise. */
  readonly lineId: string | null;
  readonly zoneId: string | null;
  /** A zone leave's dwell, ms; null otherwise. */
  readonly dwellMs: number | null;
}

/** The outcome of one appended batch (one frame's events). */
export interface AppendResult {
  /** The camera's totals after the batch. */
  readonly totals: StoredTotals;
  readonly resetAtMs: number | null;
  /** The camera's per-line and per-zone counts after the batch. */
  readonly places: PlaceTotals;
  /** The ids given to the batch's events, in the order given. */
  readonly eventIds: readonly number[];
  /** True when the batch's (session, seq) was stored before: nothing was written (absent otherwise). */
  readonly replayed?: true;
}

/** A capture session as recorded. */
export interface StoredSession {
  readonly sessionId: string;
  readonly cameraId: string;
  readonly openedAtMs: number;
  /** Null while open, or when the server was killed with it open, until the next start closes it (see closeLostSessions). */
  readonly closedAtMs: number | null;
  /** Null while open, and for a session closed by closeLostSessions (unknown). */
  readonly framesAcked: number | null;
}

/** A session closed by {@link Store.closeLostSessions}. */
export interface LostSession {
  readonly sessionId: string;
  readonly cameraId: string;
  /** Its end: its last stored event, or its start when it stored none. */
  readonly closedAtMs: number;
  /** Exits appended for the people it left in view. */
  readonly exits: number;
}

/** The width of a series bucket. */
export type BucketSize = "minute" | "hour" | "day";

/** Which buckets to read. Minute buckets starting in [fromMs, toMs) are included. */
export interface SeriesQuery {
  /** One camera, or every camera summed when absent. */
  readonly cameraId?: string;
  /** Only these cameras, summed (an area's entrances); with `cameraId`, both apply. */
  readonly cameraIds?: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucket: BucketSize;
  /**
   * Offset of the viewer's time zone from UTC in minutes (e.g. 60 for UTC+1),
   * so hour and day buckets start at local midnight; default 0. A fixed offset:
   * a range that spans a daylight-saving change is off by the change for part of it.
   */
  readonly utcOffsetMinutes?: number;
  /** One line of the camera: points carry its crossings only (needs cameraId). */
  readonly lineId?: string;
  /** One zone of the camera: points carry its stays begun as entered and ended as exited (needs cameraId). */
  readonly zoneId?: string;
}

/** Which zone leaves to read for dwell statistics: those in [fromMs, toMs). */
export interface DwellQuery {
  readonly cameraId: string;
  readonly zoneId: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The most dwell samples one query returns (the oldest first). */
export const MAX_DWELL_SAMPLES = 100_000;

/** One bucket of a series; only buckets with at least one count are returned. */
export interface SeriesPoint {
  /** Bucket start, Unix ms. */
  readonly startMs: number;
  readonly entered: number;
  readonly exited: number;
  readonly crossedIn: number;
  readonly crossedOut: number;
  /** A zone's series only (filled by the count service from dwellSamples): stays ended in the bucket and their dwell quantiles, ms. */
  readonly stays?: number;
  readonly dwellMedianMs?: number;
  readonly dwellP90Ms?: number;
}

/** Which events to read, newest first (by time, then by id). */
export interface EventQuery {
  /** One camera, or every camera when absent. */
  readonly cameraId?: string;
  /** Only these cameras (an area's entrances); with `cameraId`, both apply. */
  readonly cameraIds?: readonly string[];
  /** Inclusive lower bound on event time, Unix ms. */
  readonly fromMs?: number;
  /** Exclusive upper bound on event time, Unix ms. */
  readonly toMs?: number;
  /** Page size, 1..10,000. */
  readonly limit: number;
  /** `nextCursor` of the previous page, to continue after it. */
  readonly cursor?: string;
}

/** One page of events. */
export interface EventPage {
  readonly events: readonly StoredEvent[];
  /** Pass as `cursor` for the next (older) page; null when this was the last. */
  readonly nextCursor: string | null;
}

/** Which sessions to read: those that overlap [fromMs, toMs). */
export interface SessionQuery {
  readonly cameraId?: string;
  readonly fromMs: number;
  readonly toMs: number;
}

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
