/**
 * The rows of a camera's lines and zones (`camera_places`, one table for
 * both kinds), shared by the SQLite and the PostgreSQL store: how they map
 * to the API, and what a batch of events adds to their counts and minutes.
 */
import type { Line, NamedLine, Places } from "../count/count-types.ts";
import type { Point } from "../track/box-math.ts";
import { DEFAULT_LINE_ID } from "../count/count-types.ts";
import { DomainError } from "../rpc/errors.ts";
import { kindOf, reasonOf } from "./sqlite-rows.ts";
import type { NewEvent, PlaceTotals, SeriesPoint, SeriesQuery, StoredEvent, StoredLine, StoredZone } from "./store.ts";

/** `camera_places.kind`: 1 a line, 2 a zone. */
export const PLACE_KIND = { line: 1, zone: 2 } as const;

/** A `camera_places` row as both stores return it. */
export interface PlaceRow {
  readonly camera_key: number;
  readonly place_id: string;
  readonly kind: number;
  readonly position: number;
  readonly name: string;
  /** JSON: a Line for a line, an array of points for a zone. */
  readonly geometry: string;
  readonly count_in: number;
  readonly count_out: number;
}

/** The lines and zones of a camera's rows (any order in, position order out). */
export function placesOfRows(rows: readonly PlaceRow[]): { lines: StoredLine[]; zones: StoredZone[] } {
  const sorted = [...rows].sort((a, b) => a.kind - b.kind || a.position - b.position);
  const lines: StoredLine[] = [];
  const zones: StoredZone[] = [];
  for (const r of sorted) {
    const geometry = JSON.parse(r.geometry) as unknown;
    if (r.kind === PLACE_KIND.line) {
      lines.push({ id: r.place_id, name: r.name, line: geometry as Line, crossedIn: Number(r.count_in), crossedOut: Number(r.count_out) });
    } else {
      zones.push({ id: r.place_id, name: r.name, points: geometry as Point[], entered: Number(r.count_in), left: Number(r.count_out) });
    }
  }
  return { lines, zones };
}

/** The per-place counts of a camera's rows. */
export function placeTotalsOf(rows: readonly PlaceRow[]): PlaceTotals {
  const { lines, zones } = placesOfRows(rows);
  return {
    lines: lines.map((l) => ({ lineId: l.id, crossedIn: l.crossedIn, crossedOut: l.crossedOut })),
    zones: zones.map((z) => ({ zoneId: z.id, entered: z.entered, left: z.left })),
  };
}

/** The line with id "line", which the single-line API reads and edits. */
export function defaultLineOf(lines: readonly StoredLine[]): Line | null {
  return lines.find((l) => l.id === DEFAULT_LINE_ID)?.line ?? null;
}

/** A camera's places with its line "line" set to `line` (in its place, or added last when new), or removed for null. */
export function withDefaultLine(camera: { lines: readonly StoredLine[]; zones: readonly StoredZone[] }, line: Line | null): Places {
  const at = camera.lines.findIndex((l) => l.id === DEFAULT_LINE_ID);
  const lines: NamedLine[] = camera.lines.filter((l) => l.id !== DEFAULT_LINE_ID);
  if (line !== null) lines.splice(at < 0 ? lines.length : at, 0, { id: DEFAULT_LINE_ID, name: camera.lines[at]?.name ?? DEFAULT_LINE_ID, line });
  return { lines, zones: camera.zones };
}

/** The rows to write for `places` (kind, id, position, name, geometry), keeping each kept id's counts from `old`. */
export function placeRowsToWrite(places: Places, old: readonly PlaceRow[]): Array<[number, string, number, string, string, number, number]> {
  const counts = (kind: number, id: string): [number, number] => {
    const o = old.find((r) => r.kind === kind && r.place_id === id);
    return o ? [Number(o.count_in), Number(o.count_out)] : [0, 0];
  };
  return [
    ...places.lines.map((l, i): [number, string, number, string, string, number, number] => {
      const { ax, ay, bx, by, inSideLeft } = l.line;
      return [PLACE_KIND.line, l.id, i, l.name, JSON.stringify({ ax, ay, bx, by, inSideLeft }), ...counts(PLACE_KIND.line, l.id)];
    }),
    ...places.zones.map((z, i): [number, string, number, string, string, number, number] => [
      PLACE_KIND.zone, z.id, i, z.name, JSON.stringify(z.points.map((p) => ({ x: p.x, y: p.y }))), ...counts(PLACE_KIND.zone, z.id),
    ]),
  ];
}

/** What a batch adds per place: whether it resets them first, the counts after that, and per minute. */
export interface PlaceEffect {
  readonly reset: boolean;
  /** place id -> [in, out] to add after the reset (crossed in/out for a line, entered/left for a zone). */
  readonly deltas: ReadonlyMap<string, [number, number]>;
  /** [place id, minute, in, out] to add to `place_minutes`. */
  readonly minutes: ReadonlyArray<[string, number, number, number]>;
}

/** Folds a batch's events into per-place counts (a reset zeroes those before it) and minute counts. */
export function placeEffect(events: readonly NewEvent[]): PlaceEffect {
  let reset = false;
  const deltas = new Map<string, [number, number]>();
  const minutes = new Map<string, [string, number, number, number]>();
  for (const e of events) {
    if (e.kind === "reset") {
      reset = true;
      deltas.clear();
      continue;
    }
    const id = e.lineId ?? e.zoneId;
    if (id === undefined) continue;
    if (e.kind === "entry" || e.kind === "exit") continue;
    const col = e.kind === "cross_in" || e.kind === "zone_enter" ? 0 : 1;
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = [0, 0]));
    d[col]++;
    const minute = Math.floor(e.timeMs / 60_000);
    const key = `${id}\u0000${minute}`;
    let m = minutes.get(key);
    if (!m) minutes.set(key, (m = [id, minute, 0, 0]));
    if (col === 0) m[2]++;
    else m[3]++;
  }
  return { reset, deltas, minutes: [...minutes.values()] };
}

/**
 * The zone leaves of a lost session's open stays, at its end (reason
 * "session_lost", dwell up to then); they go before its exits.
 */
export function lostStayLeaves(stays: ReadonlyArray<{ zoneId: string; trackId: number; enteredAtMs: number }>, closedAtMs: number): NewEvent[] {
  return stays.map((s) => ({
    kind: "zone_leave", trackId: Number(s.trackId), timeMs: closedAtMs, zoneId: s.zoneId, dwellMs: Math.max(0, closedAtMs - Number(s.enteredAtMs)), reason: "session_lost",
  }));
}

/** An event row as both stores' event queries return it. */
export interface EventRow {
  readonly id: number;
  readonly cameraId: string;
  readonly sessionId: string | null;
  readonly kind: number;
  readonly trackId: number;
  readonly timeMs: number;
  readonly reason: number | null;
  readonly placeId: string | null;
  readonly dwellMs: number | null;
}

/** The API view of an event row: its place id is a line's for a crossing, a zone's for a zone event. */
export function eventOfRow(r: EventRow): StoredEvent {
  const kind = kindOf(Number(r.kind));
  const zone = kind === "zone_enter" || kind === "zone_leave";
  return {
    id: Number(r.id), cameraId: r.cameraId, sessionId: r.sessionId, kind, trackId: Number(r.trackId), timeMs: Number(r.timeMs),
    reason: reasonOf(r.reason === null ? null : Number(r.reason)),
    lineId: zone ? null : r.placeId, zoneId: zone ? r.placeId : null, dwellMs: r.dwellMs === null ? null : Number(r.dwellMs),
  };
}

/**
 * The place a series query reads (null for the camera's own series), and
 * how its in/out counts become a point: a line's as crossings, a zone's
 * stays begun and ended as entered and exited.
 */
export function placeOfSeries(q: SeriesQuery, cameraKey: number | null): { id: string; point: (startMs: number, a: number, b: number) => SeriesPoint } | null {
  if (q.lineId === undefined && q.zoneId === undefined) return null;
  if (q.lineId !== undefined && q.zoneId !== undefined) throw new DomainError("INVALID_ARGUMENT", "a series is of one line or one zone, not both");
  if (cameraKey === null) throw new DomainError("INVALID_ARGUMENT", "the series of a line or zone needs its camera id");
  if (q.lineId !== undefined) {
    return { id: q.lineId, point: (startMs, a, b) => ({ startMs: Number(startMs), entered: 0, exited: 0, crossedIn: Number(a), crossedOut: Number(b) }) };
  }
  return { id: q.zoneId!, point: (startMs, a, b) => ({ startMs: Number(startMs), entered: Number(a), exited: Number(b), crossedIn: 0, crossedOut: 0 }) };
}
