import { test } from "node:test";
import assert from "node:assert/strict";
import type { Track, TrackUpdate } from "../track/track-types.ts";
import type { CountResult, NamedLine } from "./count-types.ts";
import { createPeopleCounter } from "./people-counter.ts";

const person = (id: number, x: number, y: number, extra: Partial<Track> = {}): Track => ({
  id, box: { x: x - 0.05, y: y - 0.3, width: 0.1, height: 0.3 }, score: 0.9, confirmed: true, misses: 0, ...extra,
});
const frame = (timeMs: number, tracks: Track[], confirmed: number[] = []): TrackUpdate => ({ timeMs, tracks, confirmed, lost: [], assignments: [] });
const crossings = (results: CountResult[]): string[] =>
  results.flatMap((r) => r.events.filter((e) => e.lineId).map((e) => `${e.lineId}:${e.kind}:${e.trackId}@${e.timeMs}`));
/** Two doors: the left half and the right half of y = 0.5, up is "in" for both; a vertical lane divider, "in" to the right. */
const lines: NamedLine[] = [
  { id: "left-door", name: "Left door", line: { ax: 0.05, ay: 0.5, bx: 0.45, by: 0.5, inSideLeft: true } },
  { id: "right-door", name: "Right door", line: { ax: 0.55, ay: 0.5, bx: 0.95, by: 0.5, inSideLeft: true } },
  { id: "divider", name: "Divider", line: { ax: 0.5, ay: 0, bx: 0.5, by: 1, inSideLeft: true } },
];

test("each line counts its own crossings with today's rules, and the camera's crossed totals are over all lines", () => {
  const counter = createPeopleCounter({ places: { lines, zones: [] } });
  const results = [
    frame(0, [person(1, 0.2, 0.8), person(2, 0.8, 0.3)]),
    frame(100, [person(1, 0.2, 0.3), person(2, 0.8, 0.8)]), // 1 in by the left door, 2 out by the right door
    frame(200, [person(1, 0.7, 0.3), person(2, 0.8, 0.8)]), // 1 crosses the divider towards its "in" side (right)
    frame(300, [person(1, 0.7, 0.8), person(2, 0.8, 0.8)]), // 1 out by the right door
  ].map((u) => counter.update(u));
  assert.deepEqual(crossings(results), [
    "left-door:cross_in:1@100", "right-door:cross_out:2@100", "divider:cross_in:1@200", "right-door:cross_out:1@300",
  ]);
  assert.equal(results.at(-1)!.totals.crossedIn, 2);
  assert.equal(results.at(-1)!.totals.crossedOut, 2);
});

test("a crossing while tentative is held per line and counted on confirmation with its line id", () => {
  const counter = createPeopleCounter({ places: { lines, zones: [] } });
  const results = [
    frame(0, [person(1, 0.2, 0.8, { confirmed: false })]),
    frame(100, [person(1, 0.2, 0.3, { confirmed: false })]),
    frame(200, [person(1, 0.2, 0.3)], [1]),
  ].map((u) => counter.update(u));
  assert.deepEqual(crossings(results.slice(0, 2)), []);
  assert.deepEqual(crossings(results), ["left-door:cross_in:1@100"]); // counted at confirmation, at the time it crossed
});

test("replacing the lines keeps an unchanged line's memory and starts a moved one afresh", () => {
  const counter = createPeopleCounter({ places: { lines, zones: [] }, everyCrossing: false });
  counter.update(frame(0, [person(1, 0.2, 0.8)]));
  counter.update(frame(100, [person(1, 0.2, 0.3)])); // in by the left door, once per direction
  counter.setPlaces({ lines: [lines[0]!, { ...lines[1]!, line: { ...lines[1]!.line, ax: 0.1 } }], zones: [] });
  const again = [frame(200, [person(1, 0.2, 0.8)]), frame(300, [person(1, 0.2, 0.3)])].map((u) => counter.update(u));
  // The left door remembers 1 already crossed in (only the out counts, then no second in); the moved
  // right door now spans x = 0.2 and has no memory: the first position only sets the side, then the in counts.
  assert.deepEqual(crossings(again), ["left-door:cross_out:1@200", "right-door:cross_in:1@300"]);
});
