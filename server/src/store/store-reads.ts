import type { StoredEvent } from "./store-records.ts";

/** What the store reads: series buckets, dwell samples, event pages and sessions, and the queries that select them. */

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
