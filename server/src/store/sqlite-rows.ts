import { DomainError, cameraTakenOver } from "../rpc/errors.ts";
import { defaultLineOf, placesOfRows, type PlaceRow } from "./place-rows.ts";
import {
  STORED_EVENT_KINDS, STORED_EVENT_REASONS, type NewEvent, type StoredCamera, type StoredEventKind, type StoredEventReason, type StoredTotals,
} from "./store.ts";

/** A `cameras` row as SQLite returns it. */
export interface CameraRow {
  readonly camera_key: number;
  readonly camera_id: string;
  readonly name: string;
  readonly created_at_ms: number;
  readonly line_ax: number | null;
  readonly line_ay: number | null;
  readonly line_bx: number | null;
  readonly line_by: number | null;
  readonly line_in_side_left: number | null;
  readonly entered: number;
  readonly exited: number;
  readonly crossed_in: number;
  readonly crossed_out: number;
  readonly reset_at_ms: number | null;
  /** Only in the camera list (see allCameras): when the camera was last known to send. */
  readonly last_seen_at_ms?: number | null;
  /** The session holding the camera (migration 6). */
  readonly live_session_id?: string | null;
}

/** The numeric code of each event kind (the `event_kinds` table). */
export const KIND_CODE: Readonly<Record<StoredEventKind, number>> = Object.fromEntries(
  STORED_EVENT_KINDS.map((k, i) => [k, i]),
) as Record<StoredEventKind, number>;

/** Entered, exited, crossed in, crossed out: a camera's totals or one minute's counts, as the columns store them. */
export type Counts = [number, number, number, number];

/** What one appended batch does to a camera: its totals and reset time after it, and the counts it adds per minute. */
export interface BatchEffect {
  readonly totals: Counts;
  readonly resetAtMs: number | null;
  /** Counts to add, by minute (Unix ms / 60,000). */
  readonly minutes: ReadonlyMap<number, Counts>;
}

/** Folds a batch's events into the camera's stored totals (a reset starts them at zero again); both stores write the result. */
export function batchEffect(row: CameraRow, events: readonly NewEvent[]): BatchEffect {
  const totals: Counts = [row.entered, row.exited, row.crossed_in, row.crossed_out];
  let resetAtMs = row.reset_at_ms;
  const minutes = new Map<number, Counts>();
  for (const e of events) {
    if (e.kind === "reset") {
      totals.fill(0);
      resetAtMs = e.timeMs;
      continue;
    }
    // Zone events count per zone only (place-rows.ts), not in the camera's totals.
    if (e.kind === "zone_enter" || e.kind === "zone_leave") continue;
    const minute = Math.floor(e.timeMs / 60_000);
    let m = minutes.get(minute);
    if (!m) minutes.set(minute, (m = [0, 0, 0, 0]));
    // KIND_CODE of entry, exit, cross_in, cross_out is 0..3: the column index.
    const col = KIND_CODE[e.kind] as 0 | 1 | 2 | 3;
    totals[col]++;
    m[col]++;
  }
  return { totals, resetAtMs, minutes };
}

/** The kind of a numeric code read back from the database. */
export function kindOf(code: number): StoredEventKind {
  const kind = STORED_EVENT_KINDS[code];
  if (!kind) throw new Error(`unknown event kind code ${code} in the database`);
  return kind;
}

/** The numeric code of a reason (the `event_reasons` table), NULL for none. */
export function reasonCode(reason: StoredEventReason | null | undefined): number | null {
  if (reason === null || reason === undefined) return null;
  const index = STORED_EVENT_REASONS.indexOf(reason);
  if (index < 0) throw new DomainError("INVALID_ARGUMENT", `unknown event reason "${String(reason)}"`);
  return index + 1;
}

/** The reason of a numeric code read back from the database. */
export function reasonOf(code: number | null): StoredEventReason | null {
  if (code === null) return null;
  const reason = STORED_EVENT_REASONS[code - 1];
  if (!reason) throw new Error(`unknown event reason code ${code} in the database`);
  return reason;
}

/** The API view of a camera row and its lines' and zones' rows. */
export function toCamera(row: CameraRow, placeRows: readonly PlaceRow[]): StoredCamera {
  const { lines, zones } = placesOfRows(placeRows);
  return {
    cameraId: row.camera_id,
    name: row.name,
    line: defaultLineOf(lines),
    lines,
    zones,
    totals: totalsOf(row),
    resetAtMs: row.reset_at_ms,
    createdAtMs: row.created_at_ms,
    ...(row.last_seen_at_ms === undefined ? {} : { lastSeenAtMs: row.last_seen_at_ms || null }),
    ...(row.live_session_id ? { liveSessionId: row.live_session_id } : {}),
  };
}

/** The stored totals of a camera row. */
export function totalsOf(row: CameraRow): StoredTotals {
  return { entered: row.entered, exited: row.exited, crossedIn: row.crossed_in, crossedOut: row.crossed_out };
}

/** Rejects a batch with an unknown kind, a bad track id or a non-integer time (none of it is stored). */
export function checkEvents(events: readonly NewEvent[]): void {
  for (const e of events) {
    if (!Object.hasOwn(KIND_CODE, e.kind)) throw new DomainError("INVALID_ARGUMENT", `unknown event kind "${String(e.kind)}"`);
    if (!Number.isSafeInteger(e.trackId) || e.trackId < 0) throw new DomainError("INVALID_ARGUMENT", `bad track id ${e.trackId}`);
    if (!Number.isSafeInteger(e.timeMs)) throw new DomainError("INVALID_ARGUMENT", `event time must be an integer of Unix ms, got ${e.timeMs}`);
    if (reasonCode(e.reason) !== null && e.kind !== "exit" && e.kind !== "zone_leave") {
      throw new DomainError("INVALID_ARGUMENT", `only an exit or a zone leave has a reason, not ${e.kind}`);
    }
    const zoneEvent = e.kind === "zone_enter" || e.kind === "zone_leave";
    if (zoneEvent !== (e.zoneId !== undefined)) throw new DomainError("INVALID_ARGUMENT", `a ${e.kind} event ${zoneEvent ? "needs" : "has no"} a zone id`);
    if (e.lineId !== undefined && e.kind !== "cross_in" && e.kind !== "cross_out") throw new DomainError("INVALID_ARGUMENT", `only a crossing has a line id, not ${e.kind}`);
    if ((e.dwellMs !== undefined) !== (e.kind === "zone_leave") || (e.dwellMs !== undefined && !(Number.isSafeInteger(e.dwellMs) && e.dwellMs >= 0))) {
      throw new DomainError("INVALID_ARGUMENT", `a zone leave, and only it, has a dwell of whole ms >= 0 (${e.kind}: ${e.dwellMs})`);
    }
  }
}

/** Rejects a batch key that is not a frame sequence number (a uint32). */
export function checkSeq(seq: number | undefined): void {
  if (seq !== undefined && !(Number.isInteger(seq) && seq >= 0 && seq <= 0xffff_ffff)) {
    throw new DomainError("INVALID_ARGUMENT", `a batch seq must be an integer 0..4294967295, got ${seq}`);
  }
}

/**
 * Refuses a session's batch when the session no longer holds its camera:
 * another one took it over (ABORTED), or it was closed as lost and none
 * holds it (UNAVAILABLE: the client opens a new session). Both stores call
 * it with the camera row locked for the append.
 */
export function checkLiveSession(row: CameraRow, sessionId: string): void {
  if (row.live_session_id === sessionId) return;
  if (row.live_session_id) throw cameraTakenOver(row.camera_id);
  throw new DomainError("UNAVAILABLE", `session ${sessionId} was closed as lost (its server missed its heartbeats); open a new session`);
}

/** Throws INVALID_ARGUMENT for an empty or non-string id. */
export function checkId(value: string, what: string): void {
  if (typeof value !== "string" || value.length === 0) throw new DomainError("INVALID_ARGUMENT", `${what} must not be empty`);
}
