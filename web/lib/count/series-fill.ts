/**
 * From GetSeries' sparse answer (only buckets with a count) to the dense
 * columns a chart draws: every bucket of the range, zeros where nothing happened.
 */

import type { SeriesPoint } from "@headcount/proto/count";
import { bucketMs, floorToBucket } from "./series-range.ts";
import type { ResolvedRange } from "./series-range.ts";

/** More buckets than this are never filled in (the server refuses 50,000; a chart cannot show them anyway). */
export const MAX_FILLED_BUCKETS = 50_000;

/** Totals of a series. */
export interface SeriesTotals {
  readonly entered: number;
  readonly exited: number;
  readonly crossedIn: number;
  readonly crossedOut: number;
}

/**
 * Every bucket start of [fromMs, toMs) (the first bucket may start before
 * fromMs, as the server floors it), with the stored points filled in and zeros elsewhere.
 * A point the grid does not hold (which a server at another offset could send) is dropped.
 */
export function fillSeries(points: readonly SeriesPoint[], range: Pick<ResolvedRange, "fromMs" | "toMs" | "bucket" | "utcOffsetMinutes">): SeriesPoint[] {
  const size = bucketMs(range.bucket);
  const byStart = new Map(points.map((point) => [point.startMs, point]));
  const filled: SeriesPoint[] = [];
  for (let start = floorToBucket(range.fromMs, range.bucket, range.utcOffsetMinutes); start < range.toMs; start += size) {
    if (filled.length >= MAX_FILLED_BUCKETS) break;
    filled.push(byStart.get(start) ?? { startMs: start, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0, stays: 0, dwellMedianMs: 0, dwellP90Ms: 0 });
  }
  return filled;
}

/** True when a bucket holds any count. */
export function isNonZero(point: SeriesPoint): boolean {
  return point.entered + point.exited + point.crossedIn + point.crossedOut > 0;
}

/** How many buckets hold any count (the chart's `data-points`). */
export function countNonZero(points: readonly SeriesPoint[]): number {
  return points.filter(isNonZero).length;
}

/** Sums a series. */
export function seriesTotals(points: readonly SeriesPoint[]): SeriesTotals {
  const totals = { entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
  for (const point of points) {
    totals.entered += point.entered;
    totals.exited += point.exited;
    totals.crossedIn += point.crossedIn;
    totals.crossedOut += point.crossedOut;
  }
  return totals;
}

/**
 * The columns uPlot draws: x at the middle of each bucket in seconds (bars
 * then sit inside their bucket), then entered, exited, and, when
 * `withCrossings`, crossed in and crossed out.
 */
export function chartColumns(points: readonly SeriesPoint[], bucketSizeMs: number, withCrossings: boolean): number[][] {
  const xs = points.map((point) => (point.startMs + bucketSizeMs / 2) / 1000);
  const columns = [xs, points.map((p) => p.entered), points.map((p) => p.exited)];
  if (withCrossings) columns.push(points.map((p) => p.crossedIn), points.map((p) => p.crossedOut));
  return columns;
}
