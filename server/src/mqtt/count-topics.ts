import type { CameraView } from "../camera/camera-registry.ts";
import type { AppendResult, NewEvent } from "../store/store.ts";

/**
 * The topic tree and the JSON documents published under it. Topics are
 * `<prefix>/...`; camera ids are `[a-z0-9_-]` (CAMERA_ID_PATTERN), so they are
 * safe as topic levels and as Home Assistant object ids.
 *
 *   <prefix>/status                        "online" | "offline"  retained; "offline" is the last will
 *   <prefix>/<camera>/availability         "online" | "offline"  retained
 *   <prefix>/<camera>/state                CameraStateDocument   retained
 *   <prefix>/<camera>/event                CountEventDocument    QoS 1, not retained
 *
 * Reserved for per-line and per-zone counts (issue 14), so they slot in
 * without moving anything above: `<prefix>/<camera>/line/<line-id>/state`
 * and `<prefix>/<camera>/zone/<zone-id>/state`, and events carrying a
 * `line_id` or `zone_id`.
 */
export interface CountTopics {
  readonly serverStatus: string;
  availability(cameraId: string): string;
  state(cameraId: string): string;
  event(cameraId: string): string;
}

/** The payloads of the availability topics. */
export const ONLINE = "online";
export const OFFLINE = "offline";

/** Builds the topics under `prefix` (validated by the config: no wildcards, no empty levels). */
export function countTopics(prefix: string): CountTopics {
  return {
    serverStatus: `${prefix}/status`,
    availability: (cameraId) => `${prefix}/${cameraId}/availability`,
    state: (cameraId) => `${prefix}/${cameraId}/state`,
    event: (cameraId) => `${prefix}/${cameraId}/event`,
  };
}

/** A camera's retained state: what its count page tile shows. */
export interface CameraStateDocument {
  readonly camera_id: string;
  readonly name: string;
  readonly online: boolean;
  readonly in_view: number;
  readonly entered: number;
  readonly exited: number;
  /** Crossings of the camera's counting line (0 while it has none). */
  readonly crossed_in: number;
  readonly crossed_out: number;
  /** When the totals were last reset (ISO 8601), or null. */
  readonly reset_at: string | null;
}

/** One counted event (or a reset), as it was stored. */
export interface CountEventDocument {
  readonly camera_id: string;
  readonly kind: NewEvent["kind"];
  /** The store's event id: increases with every append, a subscriber can drop repeats (QoS 1 is at least once). */
  readonly event_id: number;
  /** The tracked person counted; 0 for a reset. */
  readonly track_id: number;
  readonly time: string;
  readonly time_ms: number;
  /** The capture session that counted it; null for a reset from the count page. */
  readonly session_id: string | null;
  /** Why an exit was counted other than by what the camera saw ("capture_stopped", "session_lost"), else null. */
  readonly reason: string | null;
  /** The camera's totals after the frame (batch) this event was stored with. */
  readonly totals: { readonly entered: number; readonly exited: number; readonly crossed_in: number; readonly crossed_out: number };
}

/** The retained state document of a camera as the registry shows it. */
export function stateDocument(view: CameraView): CameraStateDocument {
  return {
    camera_id: view.cameraId,
    name: view.name,
    online: view.online,
    in_view: view.totals.inView,
    entered: view.totals.entered,
    exited: view.totals.exited,
    crossed_in: view.totals.crossedIn,
    crossed_out: view.totals.crossedOut,
    reset_at: view.resetAtMs === null ? null : new Date(view.resetAtMs).toISOString(),
  };
}

/** One event document per appended event, in the order they were stored. */
export function eventDocuments(cameraId: string, sessionId: string | null, events: readonly NewEvent[], result: AppendResult): CountEventDocument[] {
  const t = result.totals;
  const totals = { entered: t.entered, exited: t.exited, crossed_in: t.crossedIn, crossed_out: t.crossedOut };
  return events.map((e, i) => ({
    camera_id: cameraId,
    kind: e.kind,
    event_id: result.eventIds[i] ?? 0,
    track_id: e.trackId,
    time: new Date(e.timeMs).toISOString(),
    time_ms: e.timeMs,
    session_id: sessionId,
    reason: e.reason ?? null,
    totals,
  }));
}
