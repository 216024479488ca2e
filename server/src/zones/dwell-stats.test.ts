import { test } from "node:test";
import assert from "node:assert/strict";
import { dwellBuckets, quantile } from "./dwell-stats.ts";

const HOUR = 3_600_000;

test("quantiles by nearest rank", () => {
  assert.equal(quantile([], 0.5), 0);
  assert.equal(quantile([5], 0.9), 5);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.9), 9);
});

test("stays are grouped by the hour they ended in, with median and 90th percentile", () => {
  const samples = [
    ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 1000].map((s, i) => ({ timeMs: HOUR + i * 1000, dwellMs: s * 1000 })),
    { timeMs: 3 * HOUR + 5, dwellMs: 7000 },
  ];
  assert.deepEqual(dwellBuckets(samples, HOUR), [
    { startMs: HOUR, stays: 10, medianMs: 50_000, p90Ms: 90_000 },
    { startMs: 3 * HOUR, stays: 1, medianMs: 7000, p90Ms: 7000 },
  ]);
  // Local hours at UTC+0:30 start half an hour earlier in UTC.
  assert.deepEqual(dwellBuckets([{ timeMs: HOUR, dwellMs: 1 }], HOUR, HOUR / 2).map((b) => b.startMs), [HOUR / 2]);
  assert.throws(() => dwellBuckets([], 0), RangeError);
});
