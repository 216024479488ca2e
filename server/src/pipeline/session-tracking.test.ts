import assert from "node:assert/strict";
import { test } from "node:test";
import { NO_PLACES, type Line, type Places } from "../count/count-types.ts";
import { placesOfLine } from "../count/people-counter.ts";
import type { Detection } from "../detect/detector.ts";
import type { TrackUpdate } from "../track/track-types.ts";
import { SessionTracking } from "./session-tracking.ts";

const totals = { inView: 0, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
const person = (x: number): Detection => ({ x, y: 0.2, width: 0.1, height: 0.3, score: 0.9 });

/**
 * A fake tracker and counter that record what they are given: the tracker
 * assigns detection i to track i + 1, confirmed from its second sighting.
 */
function fakeFactory() {
  const seen = { trackerTimes: [] as number[][], lines: [] as Array<Places>[], trackers: 0 };
  const factory = {
    createTracker: () => {
      const times: number[] = [];
      seen.trackerTimes.push(times);
      seen.trackers++;
      let frames = 0;
      return {
        update: (detections: readonly Detection[], timeMs: number): TrackUpdate => {
          times.push(timeMs);
          frames++;
          const tracks = detections.map((d, i) => ({ id: i + 1, box: d, score: d.score, confirmed: frames > 1, misses: 0 }));
          return { timeMs, tracks, confirmed: [], lost: [], assignments: detections.map((_, i) => i + 1) };
        },
      };
    },
    createCounter: (places: Places) => {
      const lines: Array<Places> = [places];
      seen.lines.push(lines);
      return {
        update: () => ({ totals, events: [], zones: [] }),
        setPlaces: (p: Places) => void lines.push(p),
        close: (timeMs: number) => ({ totals, events: [{ kind: "exit" as const, trackId: 1, timeMs, reason: "capture_stopped" as const }], zones: [] }),
      };
    },
  };
  return { factory, seen };
}

test("a session's frame times reach its tracker increasing, even when the client's clock goes back", () => {
  const { factory, seen } = fakeFactory();
  const tracking = new SessionTracking(factory);
  for (const t of [1_000, 1_100, 900, 900, 1_300]) tracking.step("s1", NO_PLACES, [], t);
  assert.deepEqual(seen.trackerTimes[0], [1_000, 1_100, 1_101, 1_102, 1_300]);
});

test("each session has its own tracker; a closed session starts afresh", () => {
  const { factory, seen } = fakeFactory();
  const tracking = new SessionTracking(factory);
  tracking.step("a", NO_PLACES, [], 10);
  tracking.step("b", NO_PLACES, [], 5);
  tracking.step("a", NO_PLACES, [], 20);
  assert.equal(seen.trackers, 2);
  assert.deepEqual(seen.trackerTimes, [[10, 20], [5]]);
  tracking.close("a");
  tracking.step("a", NO_PLACES, [], 1);
  assert.equal(seen.trackers, 3);
  assert.deepEqual(seen.trackerTimes[2], [1], "the new tracker is not held to the old one's last time");
});

test("the counter follows the camera's lines and zones: set at creation, changed only when they change", () => {
  const { factory, seen } = fakeFactory();
  const tracking = new SessionTracking(factory);
  const line: Line = { ax: 0.5, ay: 0, bx: 0.5, by: 1, inSideLeft: true };
  const places = placesOfLine(line);
  tracking.step("s", NO_PLACES, [], 1);
  tracking.step("s", NO_PLACES, [], 2);
  tracking.step("s", places, [], 3);
  tracking.step("s", places, [], 4);
  tracking.step("s", NO_PLACES, [], 5);
  assert.deepEqual(seen.lines[0], [NO_PLACES, places, NO_PLACES]);
});

test("people carry their track id once the track is confirmed, 0 before", () => {
  const { factory } = fakeFactory();
  const tracking = new SessionTracking(factory);
  const first = tracking.step("s", NO_PLACES, [person(0.1), person(0.5)], 1);
  assert.deepEqual(first.people.map((p) => p.trackId), [0, 0]);
  const second = tracking.step("s", NO_PLACES, [person(0.1), person(0.5)], 2);
  assert.deepEqual(second.people.map((p) => p.trackId), [1, 2]);
  assert.deepEqual(second.people.map((p) => p.x), [0.1, 0.5]);
});

test("close() ends a session's counting at the time of its last tracked frame, once, and frees its state", () => {
  const { factory, seen } = fakeFactory();
  const tracking = new SessionTracking(factory);
  assert.equal(tracking.close("never-tracked"), null);
  tracking.step("s1", NO_PLACES, [person(0.1)], 5_000);
  tracking.step("s1", NO_PLACES, [person(0.1)], 4_000); // a clock step back: kept increasing, 5_001
  const closed = tracking.close("s1");
  assert.deepEqual(closed?.events, [{ kind: "exit", trackId: 1, timeMs: 5_001, reason: "capture_stopped" }]);
  assert.equal(tracking.close("s1"), null, "a second close produces nothing");
  tracking.step("s1", NO_PLACES, [], 6_000);
  assert.equal(seen.trackers, 2, "a session id seen again after close starts afresh");
});

test("a frame the motion gate skipped is not given to the tracker, so no track ages as if its person had vanished", () => {
  const { factory, seen } = fakeFactory();
  const tracking = new SessionTracking(factory);
  assert.equal(tracking.hasLiveTracks("s"), false, "nothing tracked before the first frame");
  tracking.step("s", NO_PLACES, [person(0.2)], 1_000);
  assert.equal(tracking.hasLiveTracks("s"), true, "a tentative track is alive: the gate must detect");
  assert.equal(tracking.skip("s", 1_100).length, 1, "the last tracked frame's people, shown again");
  tracking.skip("s", 1_200);
  assert.deepEqual(seen.trackerTimes[0], [1_000], "skipped frames never reached the tracker");
  assert.equal(tracking.hasLiveTracks("s"), true, "skipping leaves the tracks as they were");
  tracking.step("s", NO_PLACES, [], 1_300);
  assert.equal(tracking.hasLiveTracks("s"), false);
  assert.deepEqual(tracking.skip("s", 1_400), [], "nobody tracked: nobody shown");
  const exits = tracking.close("s")?.events ?? [];
  assert.equal(exits[0]?.timeMs, 1_400, "a session's end is stamped at its last frame, skipped or not");
});
