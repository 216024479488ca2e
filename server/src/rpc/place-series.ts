/**
 * The series of one line or zone: a zone's points get the dwell of the
 * stays that ended in each bucket (median and 90th percentile), computed
 * from the stored zone leaves.
 */
import type { SeriesPoint, SeriesQuery, Store } from "../store/store.ts";
import { dwellBuckets } from "../zones/dwell-stats.ts";

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The store's series, with the dwell figures added for a zone. */
export async function seriesWithDwell(store: Store, query: SeriesQuery): Promise<SeriesPoint[]> {
  const points = await store.series(query);
  if (query.zoneId === undefined || query.cameraId === undefined) return points;
  const samples = await store.dwellSamples({ cameraId: query.cameraId, zoneId: query.zoneId, fromMs: query.fromMs, toMs: query.toMs });
  const buckets = new Map(dwellBuckets(samples, BUCKET_MS[query.bucket], (query.utcOffsetMinutes ?? 0) * 60_000).map((b) => [b.startMs, b]));
  return points.map((p) => {
    const b = buckets.get(p.startMs);
    return b ? { ...p, stays: b.stays, dwellMedianMs: b.medianMs, dwellP90Ms: b.p90Ms } : p;
  });
}

/** A series point on the wire (the dwell fields 0 when absent). */
export function toProtoPoint(p: SeriesPoint) {
  return {
    startMs: p.startMs, entered: p.entered, exited: p.exited, crossedIn: p.crossedIn, crossedOut: p.crossedOut,
    stays: p.stays ?? 0, dwellMedianMs: p.dwellMedianMs ?? 0, dwellP90Ms: p.dwellP90Ms ?? 0,
  };
}
