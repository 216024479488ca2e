import type { Line, NamedLine, Zone } from "../count/count-types.ts";

/**
 * The records the store keeps and returns: cameras with their totals, lines
 * and zones, sessions and count events. Frames are never stored.
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
