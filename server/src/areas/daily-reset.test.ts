import assert from "node:assert/strict";
import { test } from "node:test";
import { dailyResetAfter, dailyResetBefore, isKnownTimeZone, localTimeToInstant, zoneOffsetMs } from "./daily-reset.ts";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

test("the day starts at the last 04:00 local: before 04:00 it is yesterday's", () => {
  assert.equal(dailyResetBefore(at("2026-06-10T12:00:00Z"), 240, "UTC"), at("2026-06-10T04:00:00Z"));
  assert.equal(dailyResetBefore(at("2026-06-10T03:59:59Z"), 240, "UTC"), at("2026-06-09T04:00:00Z"));
  assert.equal(dailyResetBefore(at("2026-06-10T04:00:00Z"), 240, "UTC"), at("2026-06-10T04:00:00Z"), "at the reset itself, the new day");
  // Berlin in summer is UTC+2: 04:00 local is 02:00 UTC.
  assert.equal(dailyResetBefore(at("2026-06-10T12:00:00Z"), 240, "Europe/Berlin"), at("2026-06-10T02:00:00Z"));
  assert.equal(dailyResetAfter(at("2026-06-10T12:00:00Z"), 240, "Europe/Berlin"), at("2026-06-11T02:00:00Z"));
  // Far from UTC on both sides.
  assert.equal(dailyResetBefore(at("2026-06-10T12:00:00Z"), 0, "Pacific/Kiritimati"), at("2026-06-10T10:00:00Z"), "UTC+14: 02:00 on the 11th");
  assert.equal(dailyResetBefore(at("2026-06-10T12:00:00Z"), 0, "Pacific/Pago_Pago"), at("2026-06-10T11:00:00Z"));
});

test("spring forward (Berlin, 29 March 2026): the day with the change is 23 hours and 04:00 stays 04:00", () => {
  const saturday = dailyResetBefore(at("2026-03-28T12:00:00Z"), 240, "Europe/Berlin");
  const sunday = dailyResetBefore(at("2026-03-29T12:00:00Z"), 240, "Europe/Berlin");
  assert.equal(saturday, at("2026-03-28T03:00:00Z"), "04:00 CET");
  assert.equal(sunday, at("2026-03-29T02:00:00Z"), "04:00 CEST");
  assert.equal(sunday - saturday, 23 * HOUR);
  // 02:30 does not exist that night: the reset happens at 03:30 CEST (the instant 02:30 CET would have been).
  assert.equal(localTimeToInstant("Europe/Berlin", at("2026-03-29T00:00:00Z"), 150), at("2026-03-29T01:30:00Z"));
  assert.equal(dailyResetBefore(at("2026-03-29T12:00:00Z"), 150, "Europe/Berlin"), at("2026-03-29T01:30:00Z"));
});

test("fall back (New York, 1 November 2026): the day is 25 hours, and a reset time shown twice happens the first time", () => {
  const saturday = dailyResetBefore(at("2026-10-31T12:00:00Z"), 240, "America/New_York");
  const sunday = dailyResetBefore(at("2026-11-01T12:00:00Z"), 240, "America/New_York");
  assert.equal(saturday, at("2026-10-31T08:00:00Z"), "04:00 EDT");
  assert.equal(sunday, at("2026-11-01T09:00:00Z"), "04:00 EST");
  assert.equal(sunday - saturday, 25 * HOUR);
  // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST): the first one resets, the second does not.
  assert.equal(dailyResetBefore(at("2026-11-01T06:45:00Z"), 90, "America/New_York"), at("2026-11-01T05:30:00Z"));
  assert.equal(dailyResetAfter(at("2026-11-01T05:30:00Z"), 90, "America/New_York"), at("2026-11-02T06:30:00Z"));
});

test("every instant of a year belongs to exactly one area day, in zones with and without DST", () => {
  for (const zone of ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]) {
    let t = at("2026-01-01T00:00:00Z");
    let start = dailyResetBefore(t, 240, zone);
    while (t < at("2027-01-01T00:00:00Z")) {
      const next = dailyResetAfter(t, 240, zone);
      assert.ok(next > t && start <= t, `${zone} at ${new Date(t).toISOString()}`);
      const length = next - start;
      assert.ok(length >= 23 * HOUR && length <= 25 * HOUR, `${zone}: a day of ${length / HOUR} h`);
      assert.equal(dailyResetBefore(next, 240, zone), next);
      assert.equal(dailyResetBefore(next - 1, 240, zone), start);
      start = next;
      t = next + 7 * HOUR;
    }
  }
});

test("zone names are checked and offsets read", () => {
  assert.ok(isKnownTimeZone("Europe/Berlin"));
  assert.ok(!isKnownTimeZone("Mars/Olympus"));
  assert.ok(!isKnownTimeZone(""));
  assert.equal(zoneOffsetMs("Asia/Kolkata", at("2026-06-10T12:00:00Z")), 5.5 * HOUR);
});
