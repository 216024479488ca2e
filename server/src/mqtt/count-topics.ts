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
 *   <prefix>/<camera>/line/<id>/state      LineStateDocument     retained
 *   <prefix>/<camera>/zone/<id>/state      ZoneStateDocument     retained
 *
 * Line and zone ids are `[a-z0-9-]` (places-check.ts), safe as topic levels.
 * A removed line or zone has its retained state cleared (an empty payload).
 */
export interface CountTopics {
  readonly serverStatus: string;
  availability(cameraId: string): string;
  state(cameraId: string): string;
  event(cameraId: string): string;
  lineState(cameraId: string, lineId: string): string;
  zoneState(cameraId: string, zoneId: string): string;
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
    lineState: (cameraId, lineId) => `${prefix}/${cameraId}/line/${lineId}/state`,
    zoneState: (cameraId, zoneId) => `${prefix}/${cameraId}/zone/${zoneId}/state`,
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
  /** Crossings of all the camera's lines (0 while it has none). */
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
  /** Why an exit or zone leave was counted other than by what the camera saw ("capture_stopped", "session_lost"), else null. */
  readonly reason: string | null;
  /** The line of a crossing, else null. */
  readonly line_id: string | null;
  /** The zone of a zone_enter or zone_leave, else null. */
  readonly zone_id: string | null;
  /** How long the person stayed in the zone, ms (zone_leave), else null. */
  readonly dwell_ms: number | null;
  /** The camera's totals after the frame (batch) this event was stored with. */
  readonly totals: { readonly entered: number; readonly exited: number; readonly crossed_in: number; readonly crossed_out: number };
}

/** A line's retained state: its crossings since the camera's last reset. */
export interface LineStateDocument {
  readonly camera_id: string;
  readonly line_id: string;
  readonly name: string;
  readonly crossed_in: number;
  readonly crossed_out: number;
}

/** A zone's retained state: people in it now, stays begun and ended since the last reset, and the longest current wait. */
export interface ZoneStateDocument {
  readonly camera_id: string;
  readonly zone_id: string;
  readonly name: string;
  readonly occupancy: number;
  readonly entered: number;
  readonly left: number;
  /** Seconds the person in the zone the longest has been there (0 when empty). */
  readonly longest_wait_s: number;
}

/** The retained state documents of a camera's lines and zones, with their topics. */
export function placeStateDocuments(view: CameraView, topics: CountTopics): Array<{ topic: string; payload: string }> {
  const name = (id: string, list: ReadonlyArray<{ id: string; name: string }>) => list.find((p) => p.id === id)?.name ?? id;
  return [
    ...view.lineCounts.map((l) => ({
      topic: topics.lineState(view.cameraId, l.lineId),
      payload: JSON.stringify({
        camera_id: view.cameraId, line_id: l.lineId, name: name(l.lineId, view.places.lines), crossed_in: l.crossedIn, crossed_out: l.crossedOut,
      } satisfies LineStateDocument),
    })),
    ...view.zoneCounts.map((z) => ({
      topic: topics.zoneState(view.cameraId, z.zoneId),
      payload: JSON.stringify({
        camera_id: view.cameraId, zone_id: z.zoneId, name: name(z.zoneId, view.places.zones),
        occupancy: z.occupancy, entered: z.entered, left: z.left, longest_wait_s: Math.floor(z.longestWaitMs / 1000),
      } satisfies ZoneStateDocument),
    })),
  ];
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
    line_id: e.lineId ?? null,
    zone_id: e.zoneId ?? null,
    dwell_ms: e.dwellMs ?? null,
    totals,
  }));
}
