import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Bucket } from "@headcount/proto/count";
import type { SeriesPoint } from "@headcount/proto/count";
import { chartColumns, countNonZero, fillSeries, seriesTotals } from "./series-fill.ts";
import { HOUR_MS, MINUTE_MS } from "./series-range.ts";

const T0 = Date.UTC(2026, 10, 25, 14, 0);
const point = (startMs: number, entered: number, exited = 0, crossedIn = 0, crossedOut = 0): SeriesPoint => ({ startMs, entered, exited, crossedIn, crossedOut, stays: 0, dwellMedianMs: 0, dwellP90Ms: 0 });

describe("fillSeries", () => {
  it("fills every minute of the range with zeros around the stored buckets", () => {
    const filled = fillSeries([point(T0 + 2 * MINUTE_MS, 3, 1)], { fromMs: T0, toMs: T0 + 5 * MINUTE_MS, bucket: Bucket.MINUTE, utcOffsetMinutes: 0 });
    assert.deepEqual(filled.map((p) => (p.startMs - T0) / MINUTE_MS), [0, 1, 2, 3, 4]);
    assert.deepEqual(filled.map((p) => p.entered), [0, 0, 3, 0, 0]);
    assert.equal(filled[2]?.exited, 1);
  });

  it("starts hour buckets at the viewer's local hour, flooring a start inside one", () => {
    // UTC+5:30: hours start at :30 UTC; a range from 14:45 UTC begins with the 14:30 bucket.
    const filled = fillSeries([point(T0 + 90 * MINUTE_MS, 2)], { fromMs: T0 + 45 * MINUTE_MS, toMs: T0 + 3 * HOUR_MS, bucket: Bucket.HOUR, utcOffsetMinutes: 330 });
    assert.deepEqual(filled.map((p) => (p.startMs - T0) / MINUTE_MS), [30, 90, 150]);
    assert.deepEqual(filled.map((p) => p.entered), [0, 2, 0]);
  });

  it("drops a point that is not on the grid instead of drawing it in the wrong bucket", () => {
    const filled = fillSeries([point(T0 + 30 * MINUTE_MS, 9)], { fromMs: T0, toMs: T0 + 2 * HOUR_MS, bucket: Bucket.HOUR, utcOffsetMinutes: 0 });
    assert.equal(seriesTotals(filled).entered, 0);
  });
});

describe("countNonZero, seriesTotals and chartColumns", () => {
  const points = [point(T0, 0), point(T0 + MINUTE_MS, 1, 0, 0, 2), point(T0 + 2 * MINUTE_MS, 0, 0, 1)];

  it("count buckets with any count and sum them", () => {
    assert.equal(countNonZero(points), 2);
    assert.deepEqual(seriesTotals(points), { entered: 1, exited: 0, crossedIn: 1, crossedOut: 2 });
  });

  it("put x at the middle of each bucket in seconds, crossings only when asked", () => {
    const columns = chartColumns(points, MINUTE_MS, false);
    assert.equal(columns.length, 3);
    assert.deepEqual(columns[0], [T0 / 1000 + 30, T0 / 1000 + 90, T0 / 1000 + 150]);
    assert.deepEqual(chartColumns(points, MINUTE_MS, true)[4], [0, 2, 0]);
  });
});
