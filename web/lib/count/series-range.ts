/**
 * Time ranges of the count page's chart, event log and exports: the presets
 * (last hour, today, last 7 days) and a custom range typed into two
 * datetime-local inputs, each with the bucket width it is drawn in.
 *
 * All local-time arithmetic uses one fixed UTC offset (what GetSeries takes),
 * so the page's buckets line up with the server's.
 */

import { Bucket } from "@headcount/proto/count";

/** One minute, hour and day in ms. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The range choices; also the `value`s of `data-testid="range-select"`. */
export type RangePreset = "hour" | "today" | "week" | "custom";

/** The presets in the order the select lists them. */
export const RANGE_PRESETS: ReadonlyArray<{ readonly value: RangePreset; readonly label: string }> = [
  { value: "hour", label: "Last hour (per minute)" },
  { value: "today", label: "Today (per hour)" },
  { value: "week", label: "Last 7 days (per hour)" },
  { value: "custom", label: "Custom range" },
];

/** What the user picked; the custom bounds are datetime-local values ("2026-11-25T14:30"). */
export interface RangeChoice {
  readonly preset: RangePreset;
  readonly customFrom: string;
  readonly customTo: string;
}

/** A concrete range to ask the server for. */
export interface ResolvedRange {
  /** Inclusive start and exclusive end, Unix ms. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucket: Bucket;
  readonly utcOffsetMinutes: number;
  /** True for presets: the range follows the clock, so it is recomputed on every refresh. */
  readonly live: boolean;
}

/** A resolved range, or why the choice cannot be used. */
export type RangeResult = { readonly ok: true; readonly range: ResolvedRange } | { readonly ok: false; readonly message: string };

/** Custom ranges up to this long are drawn per minute, up to {@link HOUR_SPAN_LIMIT_MS} per hour, longer ones per day. */
export const MINUTE_SPAN_LIMIT_MS = 6 * HOUR_MS;
/** See {@link MINUTE_SPAN_LIMIT_MS}. */
export const HOUR_SPAN_LIMIT_MS = 14 * DAY_MS;
/** The longest custom range (the server caps a series at 50,000 buckets; a chart of more than a few years says nothing). */
export const MAX_CUSTOM_SPAN_MS = 3 * 366 * DAY_MS;

/** The browser's offset from UTC in minutes now (UTC+1 is 60), as GetSeries expects. */
export function viewerUtcOffsetMinutes(): number {
  return -new Date().getTimezoneOffset();
}

/** Width of a bucket in ms (a minute for UNSPECIFIED, which the page never sends). */
export function bucketMs(bucket: Bucket): number {
  return bucket === Bucket.DAY ? DAY_MS : bucket === Bucket.HOUR ? HOUR_MS : MINUTE_MS;
}

/** Start of the bucket holding `ms`, with hours and days starting on the viewer's local clock. */
export function floorToBucket(ms: number, bucket: Bucket, utcOffsetMinutes: number): number {
  const size = bucketMs(bucket);
  const offset = utcOffsetMinutes * MINUTE_MS;
  return Math.floor((ms + offset) / size) * size - offset;
}

/** Local midnight (at the given offset) of the day holding `nowMs`. */
export function localDayStart(nowMs: number, utcOffsetMinutes: number): number {
  return floorToBucket(nowMs, Bucket.DAY, utcOffsetMinutes);
}

/** The bucket a custom range of this length is drawn in. */
export function bucketForSpan(spanMs: number): Bucket {
  if (spanMs <= MINUTE_SPAN_LIMIT_MS) return Bucket.MINUTE;
  if (spanMs <= HOUR_SPAN_LIMIT_MS) return Bucket.HOUR;
  return Bucket.DAY;
}

/**
 * Turns a choice into a range at `nowMs`. Presets end with the current bucket
 * (no empty future); a custom range is taken as typed.
 */
export function resolveRange(choice: RangeChoice, nowMs: number, utcOffsetMinutes: number): RangeResult {
  const live = (fromMs: number, toMs: number, bucket: Bucket): RangeResult => ({
    ok: true,
    range: { fromMs, toMs, bucket, utcOffsetMinutes, live: true },
  });
  switch (choice.preset) {
    case "hour": {
      const end = floorToBucket(nowMs, Bucket.MINUTE, utcOffsetMinutes) + MINUTE_MS;
      return live(end - HOUR_MS, end, Bucket.MINUTE);
    }
    case "today": {
      const end = floorToBucket(nowMs, Bucket.HOUR, utcOffsetMinutes) + HOUR_MS;
      return live(localDayStart(nowMs, utcOffsetMinutes), end, Bucket.HOUR);
    }
    case "week": {
      const end = floorToBucket(nowMs, Bucket.HOUR, utcOffsetMinutes) + HOUR_MS;
      return live(end - 7 * DAY_MS, end, Bucket.HOUR);
    }
    case "custom": {
      const fromMs = parseLocalDateTime(choice.customFrom, utcOffsetMinutes);
      const toMs = parseLocalDateTime(choice.customTo, utcOffsetMinutes);
      if (fromMs === null || toMs === null) return { ok: false, message: "Enter both the start and the end of the range." };
      if (toMs <= fromMs) return { ok: false, message: "The end of the range must be after its start." };
      if (fromMs < 0) return { ok: false, message: "The range cannot start before 1970." };
      if (toMs - fromMs > MAX_CUSTOM_SPAN_MS) return { ok: false, message: "Pick a range of at most three years." };
      return { ok: true, range: { fromMs, toMs, bucket: bucketForSpan(toMs - fromMs), utcOffsetMinutes, live: false } };
    }
  }
}

/** A short name of a bucket width for labels ("minute", "hour", "day"). */
export function bucketName(bucket: Bucket): "minute" | "hour" | "day" {
  return bucket === Bucket.DAY ? "day" : bucket === Bucket.HOUR ? "hour" : "minute";
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads a datetime-local value as wall-clock time at `utcOffsetMinutes`.
 * Returns null for an empty or malformed value, or a date that does not exist (Feb 30).
 */
export function parseLocalDateTime(value: string, utcOffsetMinutes: number): number | null {
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return utc - utcOffsetMinutes * MINUTE_MS;
}

/** Formats `ms` for a datetime-local input ("2026-11-25T14:30") at `utcOffsetMinutes`. */
export function formatLocalDateTime(ms: number, utcOffsetMinutes: number): string {
  return new Date(ms + utcOffsetMinutes * MINUTE_MS).toISOString().slice(0, 16);
}
