import type Database from "better-sqlite3";
import { DomainError } from "../rpc/errors.ts";
import { KIND_CODE } from "./sqlite-rows.ts";
import { MAX_DWELL_SAMPLES, type BucketSize, type DwellQuery, type EventPage, type EventQuery, type SeriesPoint, type SeriesQuery, type SessionQuery, type StoredSession } from "./store.ts";
import { eventOfRow, placeOfSeries, type EventRow } from "./place-rows.ts";

const BUCKET_MS: Readonly<Record<BucketSize, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The most events one page may hold. */
export const MAX_EVENT_PAGE = 10_000;

/** The checked numbers of a series query: bucket width, zone offset and the minutes to read. */
export function seriesParams(q: SeriesQuery): { bucketMs: number; offsetMs: number; fromMinute: number; toMinute: number } {
  const bucketMs = BUCKET_MS[q.bucket];
  if (!bucketMs) throw new DomainError("INVALID_ARGUMENT", `unknown bucket size "${String(q.bucket)}"`);
  checkRange(q.fromMs, q.toMs);
  const offsetMs = Math.round((q.utcOffsetMinutes ?? 0) * 60_000);
  if (!Number.isSafeInteger(offsetMs) || Math.abs(offsetMs) > 18 * 3_600_000) {
    throw new DomainError("INVALID_ARGUMENT", "utcOffsetMinutes must be within ±18 hours");
  }
  return { bucketMs, offsetMs, fromMinute: Math.ceil(q.fromMs / 60_000), toMinute: Math.ceil(q.toMs / 60_000) };
}

/** Rejects an event page size outside 1..MAX_EVENT_PAGE. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_PAGE) {
    throw new DomainError("INVALID_ARGUMENT", `limit must be 1..${MAX_EVENT_PAGE}, got ${limit}`);
  }
}

/**
 * Sums the minute aggregates into buckets. `cameraKey` null sums every camera.
 * Reads only `minute_counts` (at most 1,440 rows per camera-day), never events.
 */
export function querySeries(db: Database.Database, cameraKey: number | null, q: SeriesQuery, cameraKeys: readonly number[] | null = null): SeriesPoint[] {
  const place = placeOfSeries(q, cameraKey);
  if (place) {
    const sql = `
      SELECT ((minute * 60000 + CAST(@offsetMs AS INTEGER)) / CAST(@bucketMs AS INTEGER)) * @bucketMs - @offsetMs AS startMs,
        SUM(count_in) AS countIn, SUM(count_out) AS countOut
      FROM place_minutes
      WHERE camera_key = @cameraKey AND place_id = @placeId AND minute >= @fromMinute AND minute < @toMinute
      GROUP BY startMs ORDER BY startMs`;
    const rows = db.prepare<Record<string, number | string>, { startMs: number; countIn: number; countOut: number }>(sql).all({ ...seriesParams(q), cameraKey: cameraKey!, placeId: place.id });
    return rows.map((r) => place.point(r.startMs, r.countIn, r.countOut));
  }
  // better-sqlite3 binds JS numbers as REAL; CAST keeps the division integral.
  const sql = `
    SELECT ((minute * 60000 + CAST(@offsetMs AS INTEGER)) / CAST(@bucketMs AS INTEGER)) * @bucketMs - @offsetMs AS startMs,
      SUM(entered) AS entered, SUM(exited) AS exited, SUM(crossed_in) AS crossedIn, SUM(crossed_out) AS crossedOut
    FROM minute_counts
    WHERE minute >= @fromMinute AND minute < @toMinute ${cameraKey === null ? "" : "AND camera_key = @cameraKey"}
      ${cameraKeys === null ? "" : "AND camera_key IN (SELECT value FROM json_each(@cameraKeys))"}
    GROUP BY startMs ORDER BY startMs`;
  return db.prepare<Record<string, number | string>, SeriesPoint>(sql).all({
    ...seriesParams(q),
    ...(cameraKey === null ? {} : { cameraKey }),
    ...(cameraKeys === null ? {} : { cameraKeys: JSON.stringify(cameraKeys) }),
  });
}

/** A page of events newest first (time, then id), continuing after `q.cursor`. */
export function queryEvents(db: Database.Database, cameraKey: number | null, q: EventQuery, cameraKeys: readonly number[] | null = null): EventPage {
  checkLimit(q.limit);
  const where: string[] = [];
  const params: Record<string, number | string> = { limit: q.limit + 1 };
  const filter = (condition: string, values: Record<string, number | string>) => {
    where.push(condition);
    Object.assign(params, values);
  };
  if (cameraKey !== null) filter("e.camera_key = @cameraKey", { cameraKey });
  if (cameraKeys !== null) filter("e.camera_key IN (SELECT value FROM json_each(@cameraKeys))", { cameraKeys: JSON.stringify(cameraKeys) });
  if (q.fromMs !== undefined) filter("e.time_ms >= @fromMs", { fromMs: q.fromMs });
  if (q.toMs !== undefined) filter("e.time_ms < @toMs", { toMs: q.toMs });
  if (q.cursor !== undefined) {
    const [curTime, curId] = parseCursor(q.cursor);
    filter("(e.time_ms < @curTime OR (e.time_ms = @curTime AND e.id < @curId))", { curTime, curId });
  }
  const sql = `
    SELECT e.id, c.camera_id AS cameraId, s.session_id AS sessionId, e.kind, e.track_id AS trackId, e.time_ms AS timeMs, e.reason,
      e.place_id AS placeId, e.dwell_ms AS dwellMs
    FROM events e
      JOIN cameras c ON c.camera_key = e.camera_key
      LEFT JOIN sessions s ON s.session_key = e.session_key
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY e.time_ms DESC, e.id DESC
    LIMIT @limit`;
  const rows = db.prepare<Record<string, number | string>, EventRow>(sql).all(params);
  const more = rows.length > q.limit;
  const events = rows.slice(0, q.limit).map(eventOfRow);
  const last = events.at(-1);
  return { events, nextCursor: more && last ? `${last.timeMs}:${last.id}` : null };
}

/** A zone's leaves in [fromMs, toMs) with their dwell, oldest first (at most MAX_DWELL_SAMPLES). */
export function queryDwell(db: Database.Database, cameraKey: number, q: DwellQuery): Array<{ timeMs: number; dwellMs: number }> {
  checkRange(q.fromMs, q.toMs);
  const sql = `
    SELECT time_ms AS timeMs, dwell_ms AS dwellMs FROM events
    WHERE camera_key = ? AND time_ms >= ? AND time_ms < ? AND kind = ${KIND_CODE.zone_leave} AND place_id = ?
    ORDER BY time_ms LIMIT ${MAX_DWELL_SAMPLES}`;
  return db.prepare<[number, number, number, string], { timeMs: number; dwellMs: number }>(sql).all(cameraKey, q.fromMs, q.toMs, q.zoneId);
}

/** A zone stay a session began and never ended: the track, its zone and when it entered. */
export interface OpenStay {
  readonly zoneId: string;
  readonly trackId: number;
  readonly enteredAtMs: number;
}

/** The zone stays a lost session left open (more enters than leaves of a track in a zone), by zone then track. */
export function queryOpenStays(db: Database.Database, cameraKey: number, sessionKey: number): OpenStay[] {
  return db
    .prepare<[number, number], OpenStay>(`
      SELECT place_id AS zoneId, track_id AS trackId, MAX(CASE WHEN kind = ${KIND_CODE.zone_enter} THEN time_ms END) AS enteredAtMs FROM events
      WHERE camera_key = ? AND session_key = ? AND kind IN (${KIND_CODE.zone_enter}, ${KIND_CODE.zone_leave})
      GROUP BY place_id, track_id HAVING SUM(kind = ${KIND_CODE.zone_enter}) > SUM(kind = ${KIND_CODE.zone_leave})
      ORDER BY place_id, track_id`)
    .all(cameraKey, sessionKey);
}

/** Sessions overlapping [fromMs, toMs), oldest first; a session never closed overlaps everything after its start. */
export function querySessions(db: Database.Database, cameraKey: number | null, q: SessionQuery): StoredSession[] {
  checkRange(q.fromMs, q.toMs);
  const sql = `
    SELECT s.session_id AS sessionId, c.camera_id AS cameraId, s.opened_at_ms AS openedAtMs,
      s.closed_at_ms AS closedAtMs, s.frames_acked AS framesAcked
    FROM sessions s JOIN cameras c ON c.camera_key = s.camera_key
    WHERE s.opened_at_ms < @toMs AND (s.closed_at_ms IS NULL OR s.closed_at_ms >= @fromMs)
      ${cameraKey === null ? "" : "AND s.camera_key = @cameraKey"}
    ORDER BY s.opened_at_ms, s.session_key`;
  return db.prepare<Record<string, number>, StoredSession>(sql).all({
    fromMs: q.fromMs,
    toMs: q.toMs,
    ...(cameraKey === null ? {} : { cameraKey }),
  });
}

/** Rejects a time range that is not finite or runs backwards. */
export function checkRange(fromMs: number, toMs: number): void {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs > toMs) {
    throw new DomainError("INVALID_ARGUMENT", `bad time range [${fromMs}, ${toMs})`);
  }
}

/** The (time, id) of an event cursor `time:id`. */
export function parseCursor(cursor: string): [number, number] {
  const m = /^(-?\d+):(\d+)$/.exec(cursor);
  if (!m) throw new DomainError("INVALID_ARGUMENT", `bad event cursor "${cursor}"`);
  return [Number(m[1]), Number(m[2])];
}

/**
 * What a session left open: the tracks it counted as entered and never as
 * exited, and the time of its last stored event (null when it stored none).
 * Reads the camera's events through its index; only run for lost sessions.
 */
export function queryOpenTracks(db: Database.Database, cameraKey: number, sessionKey: number): { trackIds: number[]; lastEventAtMs: number | null } {
  const params = { cameraKey, sessionKey, entry: KIND_CODE.entry, exit: KIND_CODE.exit };
  const trackIds = db
    .prepare<typeof params, { trackId: number }>(`
      SELECT track_id AS trackId FROM events
      WHERE camera_key = @cameraKey AND session_key = @sessionKey AND kind IN (@entry, @exit)
      GROUP BY track_id HAVING SUM(kind = @entry) > 0 AND SUM(kind = @exit) = 0
      ORDER BY track_id`)
    .all(params)
    .map((r) => r.trackId);
  const last = db
    .prepare<{ cameraKey: number; sessionKey: number }, { lastEventAtMs: number | null }>(
      "SELECT MAX(time_ms) AS lastEventAtMs FROM events WHERE camera_key = @cameraKey AND session_key = @sessionKey",
    )
    .get({ cameraKey, sessionKey });
  return { trackIds, lastEventAtMs: last?.lastEventAtMs ?? null };
}
