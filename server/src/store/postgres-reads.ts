import { eventOfRow, placeOfSeries, type EventRow } from "./place-rows.ts";
import type { Queryable } from "./postgres-pool.ts";
import { SQL } from "./postgres-queries.ts";
import type { seriesParams } from "./sqlite-queries.ts";
import { type DwellQuery, type EventPage, type EventQuery, MAX_DWELL_SAMPLES, type SeriesPoint, type SeriesQuery } from "./store.ts";

/**
 * The PostgreSQL store's reads of the history (series, event pages, dwell
 * samples), on camera keys the store has already resolved and checked.
 */

/** A series of the checked parameters `p`: of one line or zone of the camera, or of the cameras' totals. */
export async function querySeries(
  db: Queryable, p: ReturnType<typeof seriesParams>, query: SeriesQuery, cameraKey: number | null, cameraKeysOf: () => Promise<number[] | null>,
): Promise<SeriesPoint[]> {
  const place = placeOfSeries(query, cameraKey);
  if (place) {
    const { rows } = await db.query<{ startMs: number; countIn: number; countOut: number }>(SQL.placeSeries, [p.offsetMs, p.bucketMs, p.fromMinute, p.toMinute, cameraKey, place.id]);
    return rows.map((r) => place.point(r.startMs, r.countIn, r.countOut));
  }
  return (await db.query<SeriesPoint>(SQL.series, [p.offsetMs, p.bucketMs, p.fromMinute, p.toMinute, cameraKey, await cameraKeysOf()])).rows;
}

/** One page of events after `cursor` ([timeMs, id], or null for the first page). */
export async function queryEvents(
  db: Queryable, query: EventQuery, cursor: [number, number] | null, cameraKey: number | null, cameraKeys: number[] | null,
): Promise<EventPage> {
  const [curTime, curId] = cursor ?? [null, null];
  const { rows } = await db.query<EventRow>(SQL.events, [cameraKey, query.fromMs ?? null, query.toMs ?? null, curTime, curId, query.limit + 1, cameraKeys]);
  const events = rows.slice(0, query.limit).map(eventOfRow);
  const last = events.at(-1);
  return { events, nextCursor: rows.length > query.limit && last ? `${last.timeMs}:${last.id}` : null };
}

/** The dwell of the zone's stays that ended in the range, oldest first, at most MAX_DWELL_SAMPLES. */
export async function queryDwell(db: Queryable, cameraKey: number, query: DwellQuery): Promise<Array<{ timeMs: number; dwellMs: number }>> {
  const { rows } = await db.query<{ timeMs: string; dwellMs: string }>(SQL.dwell, [cameraKey, query.fromMs, query.toMs, query.zoneId, MAX_DWELL_SAMPLES]);
  return rows.map((r) => ({ timeMs: Number(r.timeMs), dwellMs: Number(r.dwellMs) }));
}
