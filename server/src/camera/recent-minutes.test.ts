import assert from "node:assert/strict";
import { test } from "node:test";
import { localDayStart, RecentMinutes } from "./recent-minutes.ts";

const DAY = 86_400_000;
const noon = 20 * DAY + 12 * 3_600_000; // 12:00 UTC on day 20

test("local midnight at a fixed offset is always within the last day", () => {
  assert.equal(localDayStart(noon, 0), 20 * DAY);
  assert.equal(localDayStart(noon, 13 * 60), 20 * DAY + 11 * 3_600_000, "UTC+13: 01:00 local on day 21, which began at 11:00 UTC");
  assert.equal(localDayStart(noon, -13 * 60), 20 * DAY - 11 * 3_600_000, "UTC-13: 23:00 local on day 19");
  for (const offset of [-840, -330, 0, 345, 840]) assert.ok(noon - localDayStart(noon, offset) < DAY);
});

test("today counts the events of the viewer's day, resets included, and forgets what is over a day old", () => {
  const m = new RecentMinutes();
  m.load([{ startMs: 20 * DAY + 60_000, entered: 3, exited: 1, crossedIn: 0, crossedOut: 0 }]);
  m.record([
    { kind: "entry", trackId: 1, timeMs: noon },
    { kind: "reset", trackId: 0, timeMs: noon },
    { kind: "exit", trackId: 1, timeMs: noon + 500, reason: "capture_stopped" },
    { kind: "cross_in", trackId: 1, timeMs: 20 * DAY - 1 }, // yesterday, UTC
    { kind: "cross_out", trackId: 1, timeMs: 21 * DAY - 1 }, // later today
  ], noon);
  assert.deepEqual(m.day(20 * DAY), { fromMs: 20 * DAY, entered: 4, exited: 2, crossedIn: 0, crossedOut: 1 });
  assert.equal(m.day(20 * DAY - 3_600_000).crossedIn, 1, "at UTC-1 the crossing at 23:59:59 UTC is today");
  m.record([], noon + 2 * DAY);
  assert.deepEqual(m.day(22 * DAY), { fromMs: 22 * DAY, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 });
  assert.equal(m.day(20 * DAY).entered, 0, "minutes over a day old are gone");
});
