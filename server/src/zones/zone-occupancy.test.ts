import { test } from "node:test";
import assert from "node:assert/strict";
import type { Track, TrackUpdate } from "../track/track-types.ts";
import type { CountEvent, CountResult, Zone } from "../count/count-types.ts";
import { createPeopleCounter } from "../count/people-counter.ts";
import { borderDistance, insidePolygon, zoneSideOf } from "./zone-geometry.ts";

// Scripted tracker output: a person is a 0.1 x 0.3 box whose feet are at (x, y).
const person = (id: number, x: number, y: number, extra: Partial<Track> = {}): Track => ({
  id, box: { x: x - 0.05, y: y - 0.3, width: 0.1, height: 0.3 }, score: 0.9, confirmed: true, misses: 0, ...extra,
});
const frame = (timeMs: number, tracks: Track[], lost: Track[] = []): TrackUpdate => ({ timeMs, tracks, confirmed: tracks.map((t) => t.id), lost, assignments: [] });
/** The queue: the square x 0.4..0.8, y 0.4..0.8 (border band: 0.1 x 0.3 = 0.03). */
const queue: Zone = { id: "queue", name: "Queue", points: [{ x: 0.4, y: 0.4 }, { x: 0.8, y: 0.4 }, { x: 0.8, y: 0.8 }, { x: 0.4, y: 0.8 }] };
const zoneEvents = (results: CountResult[]): string[] =>
  results.flatMap((r) => r.events.filter((e: CountEvent) => e.zoneId).map((e) => `${e.kind}:${e.trackId}@${e.timeMs}${e.dwellMs === undefined ? "" : ` dwell ${e.dwellMs}`}${e.reason ? ` ${e.reason}` : ""}`));
const run = (updates: TrackUpdate[]) => {
  const counter = createPeopleCounter({ places: { lines: [], zones: [queue] } });
  return { counter, results: updates.map((u) => counter.update(u)) };
};

test("point in polygon, distance to the border and the side with a band", () => {
  const concave = [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0.5, y: 0.5 }, { x: 0, y: 1 }];
  assert.equal(insidePolygon(concave, { x: 0.5, y: 0.2 }), true);
  assert.equal(insidePolygon(concave, { x: 0.5, y: 0.8 }), false); // in the notch
  assert.ok(Math.abs(borderDistance(queue.points, { x: 0.6, y: 0.45 }) - 0.05) < 1e-9);
  assert.equal(zoneSideOf(queue.points, { x: 0.6, y: 0.6 }, 0.03), "in");
  assert.equal(zoneSideOf(queue.points, { x: 0.6, y: 0.41 }, 0.03), "border");
  assert.equal(zoneSideOf(queue.points, { x: 0.6, y: 0.39 }, 0.03), "border");
  assert.equal(zoneSideOf(queue.points, { x: 0.6, y: 0.2 }, 0.03), "out");
  assert.equal(zoneSideOf(queue.points.slice(0, 2), { x: 0.6, y: 0.6 }, 0.03), "out"); // not a polygon
});

test("a person standing on the border, jittering across it, enters once and never leaves", () => {
  // Feet at y 0.39..0.42 around the top edge y = 0.4: always within the band.
  const ys = [0.2, 0.39, 0.42, 0.38, 0.41, 0.39, 0.42];
  const { results } = run(ys.map((y, i) => frame(i * 100, [person(1, 0.6, y)])));
  assert.deepEqual(zoneEvents(results), []);
  // Clearly in, then jitter on the border: still in; clearly out: one leave.
  const { results: r2 } = run([0.2, 0.6, 0.42, 0.38, 0.41, 0.2].map((y, i) => frame(i * 100, [person(1, 0.6, y)])));
  assert.deepEqual(zoneEvents(r2), ["zone_enter:1@100", "zone_leave:1@500 dwell 400"]);
  assert.deepEqual(r2.map((r) => r.zones[0]!.occupancy), [0, 1, 1, 1, 1, 0]);
});

test("two people in a zone: occupancy 2, longest wait is the first one's, each leave has its own dwell", () => {
  const { results } = run([
    frame(0, [person(1, 0.5, 0.6)]),
    frame(1000, [person(1, 0.5, 0.6), person(2, 0.7, 0.6)]),
    frame(3000, [person(1, 0.5, 0.6), person(2, 0.7, 0.6)]),
    frame(4000, [person(1, 0.5, 0.95), person(2, 0.7, 0.6)]),
    frame(6000, [person(1, 0.5, 0.95), person(2, 0.7, 0.95)]),
  ]);
  assert.deepEqual(results.map((r) => r.zones[0]), [
    { zoneId: "queue", occupancy: 1, longestWaitMs: 0 },
    { zoneId: "queue", occupancy: 2, longestWaitMs: 1000 },
    { zoneId: "queue", occupancy: 2, longestWaitMs: 3000 },
    { zoneId: "queue", occupancy: 1, longestWaitMs: 3000 },
    { zoneId: "queue", occupancy: 0, longestWaitMs: 0 },
  ]);
  assert.deepEqual(zoneEvents(results), ["zone_enter:1@0", "zone_enter:2@1000", "zone_leave:1@4000 dwell 4000", "zone_leave:2@6000 dwell 5000"]);
});

test("a person leaving and coming back (same track) is two stays, each with its dwell", () => {
  const ys = [0.6, 0.6, 0.95, 0.95, 0.6, 0.6, 0.95];
  const { results } = run(ys.map((y, i) => frame(i * 1000, [person(1, 0.6, y)])));
  assert.deepEqual(zoneEvents(results), [
    "zone_enter:1@0", "zone_leave:1@2000 dwell 2000", "zone_enter:1@4000", "zone_leave:1@6000 dwell 2000",
  ]);
});

test("a track lost inside the zone leaves at the time it was last seen there, not when the tracker gives up", () => {
  const seen = person(1, 0.6, 0.6);
  const { results } = run([
    frame(0, [seen]),
    frame(1000, [seen]),
    frame(2000, [{ ...seen, misses: 1 }]), // hidden: still an occupant, its wait grows
    frame(3000, [{ ...seen, misses: 2 }]),
    frame(4000, [], [{ ...seen, misses: 3 }]), // the tracker gives up
  ]);
  assert.deepEqual(results.map((r) => r.zones[0]!.occupancy), [1, 1, 1, 1, 0]);
  assert.equal(results[3]!.zones[0]!.longestWaitMs, 3000);
  assert.deepEqual(zoneEvents(results), ["zone_enter:1@0", "zone_leave:1@1000 dwell 1000"]);
  // Dropped by the tracker without a lost report: the same leave.
  const { results: silent } = run([frame(0, [seen]), frame(500, [seen]), frame(900, [])]);
  assert.deepEqual(zoneEvents(silent), ["zone_enter:1@0", "zone_leave:1@500 dwell 500"]);
});

test("tentative and missed frames never enter; closing the session makes every occupant leave with capture_stopped", () => {
  const { counter, results } = run([
    { ...frame(0, [person(1, 0.6, 0.6, { confirmed: false })]), confirmed: [] },
    frame(100, [person(2, 0.6, 0.6, { misses: 1 })]),
    frame(200, [person(3, 0.6, 0.6)]),
  ]);
  assert.deepEqual(zoneEvents(results), ["zone_enter:3@200"]);
  assert.deepEqual(zoneEvents([counter.close(700)]), ["zone_leave:3@700 dwell 500 capture_stopped"]);
});

test("changing the zones keeps the occupants of an unchanged zone and drops those of a reshaped one", () => {
  const hall: Zone = { id: "hall", name: "Hall", points: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }] };
  const counter = createPeopleCounter({ places: { lines: [], zones: [queue, hall] } });
  counter.update(frame(0, [person(1, 0.6, 0.6)]));
  counter.setPlaces({ lines: [], zones: [queue, { ...hall, points: [...hall.points.slice(0, 3), { x: 0, y: 0.99 }] }] });
  const after = counter.update(frame(1000, [person(1, 0.6, 0.6)]));
  assert.deepEqual(after.zones, [
    { zoneId: "queue", occupancy: 1, longestWaitMs: 1000 },
    { zoneId: "hall", occupancy: 1, longestWaitMs: 0 }, // (0.6, 0.6) is inside the reshaped hall too: entered again
  ]);
  assert.deepEqual(zoneEvents([after]), ["zone_enter:1@1000"]);
});
