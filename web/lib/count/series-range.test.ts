import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Bucket } from "@headcount/proto/count";
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  bucketForSpan,
  floorToBucket,
  formatLocalDateTime,
  localDayStart,
  parseLocalDateTime,
  resolveRange,
} from "./series-range.ts";
import type { RangeChoice, ResolvedRange } from "./series-range.ts";

// 2026-11-25 14:37:12.500 UTC
const NOW = Date.UTC(2026, 10, 25, 14, 37, 12, 500);
const choice = (preset: RangeChoice["preset"], customFrom = "", customTo = ""): RangeChoice => ({ preset, customFrom, customTo });

function resolved(c: RangeChoice, offset: number): ResolvedRange {
  const result = resolveRange(c, NOW, offset);
  assert.ok(result.ok, result.ok ? "" : result.message);
  return result.range;
}

describe("floorToBucket and localDayStart", () => {
  it("start hours and days on the viewer's clock", () => {
    assert.equal(floorToBucket(NOW, Bucket.MINUTE, 0), Date.UTC(2026, 10, 25, 14, 37));
    // UTC+5:30: hours start at :30 UTC, the day at 18:30 UTC the evening before.
    assert.equal(floorToBucket(NOW, Bucket.HOUR, 330), Date.UTC(2026, 10, 25, 14, 30));
    assert.equal(localDayStart(NOW, 330), Date.UTC(2026, 10, 24, 18, 30));
    // UTC-8: local time is 06:37, the day began at 08:00 UTC.
    assert.equal(localDayStart(NOW, -480), Date.UTC(2026, 10, 25, 8, 0));
  });
});

describe("resolveRange", () => {
  it("last hour: 60 minute buckets ending with the current minute", () => {
    const range = resolved(choice("hour"), 60);
    assert.equal(range.bucket, Bucket.MINUTE);
    assert.equal(range.toMs, Date.UTC(2026, 10, 25, 14, 38));
    assert.equal(range.toMs - range.fromMs, HOUR_MS);
    assert.equal(range.utcOffsetMinutes, 60);
    assert.equal(range.live, true);
  });

  it("today: hour buckets from local midnight to the end of the current hour", () => {
    const range = resolved(choice("today"), 60);
    assert.equal(range.bucket, Bucket.HOUR);
    assert.equal(range.fromMs, Date.UTC(2026, 10, 24, 23, 0));
    assert.equal(range.toMs, Date.UTC(2026, 10, 25, 15, 0));
  });

  it("last 7 days: 168 hour buckets", () => {
    const range = resolved(choice("week"), 0);
    assert.equal(range.bucket, Bucket.HOUR);
    assert.equal((range.toMs - range.fromMs) / HOUR_MS, 168);
    assert.equal(range.fromMs % HOUR_MS, 0);
  });

  it("custom: read at the offset, bucket chosen by length, not live", () => {
    const short = resolved(choice("custom", "2026-11-25T10:00", "2026-11-25T12:30"), 60);
    assert.deepEqual([short.fromMs, short.toMs, short.bucket, short.live], [Date.UTC(2026, 10, 25, 9), Date.UTC(2026, 10, 25, 11, 30), Bucket.MINUTE, false]);
    assert.equal(resolved(choice("custom", "2026-11-20T00:00", "2026-11-25T00:00"), 0).bucket, Bucket.HOUR);
    assert.equal(resolved(choice("custom", "2026-09-01T00:00", "2026-11-25T00:00"), 0).bucket, Bucket.DAY);
  });

  it("custom: explains what is wrong", () => {
    const message = (c: RangeChoice) => {
      const result = resolveRange(c, NOW, 0);
      return result.ok ? "ok" : result.message;
    };
    assert.match(message(choice("custom", "", "2026-11-25T12:00")), /both/);
    assert.match(message(choice("custom", "2026-11-25T12:00", "2026-11-25T12:00")), /after its start/);
    assert.match(message(choice("custom", "2020-01-01T00:00", "2026-11-25T12:00")), /three years/);
  });
});

describe("bucketForSpan", () => {
  it("minutes up to 6 h, hours up to 14 days, then days", () => {
    assert.equal(bucketForSpan(6 * HOUR_MS), Bucket.MINUTE);
    assert.equal(bucketForSpan(6 * HOUR_MS + MINUTE_MS), Bucket.HOUR);
    assert.equal(bucketForSpan(14 * DAY_MS), Bucket.HOUR);
    assert.equal(bucketForSpan(14 * DAY_MS + 1), Bucket.DAY);
  });
});

describe("parseLocalDateTime and formatLocalDateTime", () => {
  it("round-trip at an offset and reject impossible dates", () => {
    assert.equal(parseLocalDateTime("2026-11-25T14:30", -300), Date.UTC(2026, 10, 25, 19, 30));
    assert.equal(parseLocalDateTime("2026-11-25T14:30:15", 0), Date.UTC(2026, 10, 25, 14, 30, 15));
    assert.equal(formatLocalDateTime(Date.UTC(2026, 10, 25, 19, 30), -300), "2026-11-25T14:30");
    assert.equal(parseLocalDateTime("2026-02-30T10:00", 0), null);
    assert.equal(parseLocalDateTime("2026-11-25T24:00", 0), null);
    assert.equal(parseLocalDateTime("yesterday", 0), null);
    assert.equal(parseLocalDateTime("", 0), null);
  });
});
