import { test } from "node:test";
import assert from "node:assert/strict";
import type { Track, TrackUpdate } from "../track/track-types.ts";
import type { CountResult, Counter, Line } from "./count-types.ts";
import { createPeopleCounter, placesOfLine } from "./people-counter.ts";

// Scripted tracker output: a person is a 0.1 x 0.3 box whose feet are at (x, y).
const person = (id: number, x: number, y: number, extra: Partial<Track> = {}): Track => ({
  id, box: { x: x - 0.05, y: y - 0.3, width: 0.1, height: 0.3 }, score: 0.9, confirmed: true, misses: 0, ...extra,
});
const frame = (timeMs: number, tracks: Track[], confirmed: number[] = [], lost: Track[] = []): TrackUpdate => ({
  timeMs, tracks, confirmed, lost, assignments: [],
});
/** Up the picture across y = 0.5 is "in". */
const line: Line = { ax: 0.05, ay: 0.5, bx: 0.95, by: 0.5, inSideLeft: true };
const feed = (counter: Counter, updates: TrackUpdate[]): CountResult[] => updates.map((u) => counter.update(u));
const kinds = (results: CountResult[]): string[] => results.flatMap((r) => r.events.map((e) => `${e.kind}:${e.trackId}@${e.timeMs}`));

test("a track enters once when confirmed and exits once when lost", () => {
  // No median: inView at the end is that frame's own.
  const counter = createPeopleCounter({ inViewWindow: 1 });
  const results = feed(counter, [
    frame(0, [person(1, 0.5, 0.8, { confirmed: false })]),
    frame(100, [person(1, 0.5, 0.8)], [1]),
    frame(200, [person(1, 0.5, 0.8)], [1]), // a repeated confirmation must not count twice
    frame(300, [], [], [person(1, 0.5, 0.8)]),
    frame(400, [], [], [person(7, 0.5, 0.8)]), // never entered here: no exit
  ]);
  assert.deepEqual(kinds(results), ["entry:1@100", "exit:1@300"]);
  assert.deepEqual(results.at(-1)!.totals, { inView: 0, entered: 1, exited: 1, crossedIn: 0, crossedOut: 0 });
});

test("inView is the median of recent frames, counting confirmed tracks seen within one missed frame", () => {
  const counter = createPeopleCounter({ inViewWindow: 5, inViewTentative: false });
  const a = person(1, 0.3, 0.8);
  const views = feed(counter, [
    frame(0, [a]), frame(100, [a]), frame(200, [a]),
    frame(300, [a, person(2, 0.7, 0.8)]), // one-frame spike
    frame(400, [{ ...a, misses: 1 }]), // one missed frame still counts as seen
    frame(500, [{ ...a, misses: 2 }, person(3, 0.6, 0.8, { confirmed: false })]), // one-frame drop; tentative never counts
    frame(600, [a]), frame(700, []), frame(800, []), frame(900, []), frame(1000, []),
  ]).map((r) => r.totals.inView);
  assert.deepEqual(views, [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
});

test("inView counts a tentative track seen in this frame, so people show before their entry counts; a one-frame box does not", () => {
  const counter = createPeopleCounter({ inViewWindow: 5 });
  const tentative = (id: number, x: number, misses = 0) => person(id, x, 0.8, { confirmed: false, misses });
  const views = feed(counter, [
    // vtest F1: three people in view from the first frame, confirmed only at the third.
    frame(0, [tentative(1, 0.2), tentative(2, 0.5), tentative(3, 0.8)]),
    frame(100, [tentative(1, 0.2), tentative(2, 0.5), tentative(3, 0.8)]),
    frame(200, [person(1, 0.2, 0.8), person(2, 0.5, 0.8), person(3, 0.8, 0.8)], [1, 2, 3]),
    frame(300, [person(1, 0.2, 0.8), person(2, 0.5, 0.8), person(3, 0.8, 0.8), tentative(4, 0.6)]), // a one-frame box
    frame(400, [person(1, 0.2, 0.8), person(2, 0.5, 0.8), person(3, 0.8, 0.8), tentative(4, 0.6, 1)]), // missed: not in view
    frame(500, [person(1, 0.2, 0.8), person(2, 0.5, 0.8), person(3, 0.8, 0.8)]),
  ]);
  assert.deepEqual(views.map((r) => r.totals.inView), [3, 3, 3, 3, 3, 3]);
  assert.equal(views.at(-1)!.totals.entered, 3);
});

test("every crossing counts by default, towards the in side as cross_in", () => {
  const ys = [0.8, 0.4, 0.8, 0.4, 0.8];
  const results = feed(createPeopleCounter({ line }), ys.map((y, i) => frame(i * 100, [person(1, 0.5, y)])));
  assert.deepEqual(kinds(results), ["cross_in:1@100", "cross_out:1@200", "cross_in:1@300", "cross_out:1@400"]);
  assert.equal(results.at(-1)!.totals.crossedIn, 2);
  assert.equal(results.at(-1)!.totals.crossedOut, 2);
});

test("with everyCrossing false, crossings count once per direction per track", () => {
  const counter = createPeopleCounter({ line, everyCrossing: false });
  const ys = [0.8, 0.4, 0.8, 0.4, 0.8];
  const results = feed(counter, ys.map((y, i) => frame(i * 100, [person(1, 0.5, y)])));
  assert.deepEqual(kinds(results), ["cross_in:1@100", "cross_out:1@200"]);
  assert.equal(results.at(-1)!.totals.crossedIn, 1);
  assert.equal(results.at(-1)!.totals.crossedOut, 1);
  const flipped = createPeopleCounter({ line: { ...line, inSideLeft: false }, everyCrossing: false });
  assert.deepEqual(kinds(feed(flipped, ys.slice(0, 2).map((y, i) => frame(i * 100, [person(1, 0.5, y)])))), ["cross_out:1@100"]);
});

test("predicted positions of missed tracks never cross", () => {
  const counter = createPeopleCounter({ line });
  const results = feed(counter, [frame(0, [person(1, 0.5, 0.8)]), frame(100, [person(1, 0.5, 0.3, { misses: 1 })])]);
  assert.deepEqual(kinds(results), []);
});

test("a crossing made while tentative counts when the track is confirmed, at the time it happened", () => {
  const counter = createPeopleCounter({ line });
  const tentative = { confirmed: false };
  const results = feed(counter, [
    frame(0, [person(1, 0.5, 0.8, tentative), person(2, 0.2, 0.8, tentative)]),
    frame(500, [person(1, 0.5, 0.3, tentative), person(2, 0.2, 0.3, tentative)]),
    frame(1000, [person(1, 0.5, 0.1)], [1]), // track 2 was never confirmed: its crossing is dropped
  ]);
  assert.deepEqual(kinds(results), ["entry:1@1000", "cross_in:1@500"]);
  assert.deepEqual(results[2]!.events.map((e) => e.kind), ["entry", "cross_in"]);
});

test("an id swap between two people passing head-on does not double the crossings", () => {
  const counter = createPeopleCounter({ line });
  // A walks up slowly from 0.9, B down fast from 0.1 (crossing out at once); they meet
  // at y = 0.7, below the line, and the ids swap there. A then crosses in under B's old id.
  const updates: TrackUpdate[] = [];
  for (let i = 0; i <= 16; i++) {
    const a = 0.9 - i * 0.05;
    const b = 0.1 + i * 0.15;
    const [idA, idB] = i <= 4 ? [1, 2] : [2, 1];
    const tracks = [person(idA, 0.5, a), ...(b <= 0.95 ? [person(idB, 0.52, b)] : [])];
    updates.push(frame(i * 100, tracks, i === 0 ? [1, 2] : []));
  }
  const totals = feed(counter, updates).at(-1)!.totals;
  assert.equal(totals.entered, 2);
  assert.equal(totals.crossedIn, 1);
  assert.equal(totals.crossedOut, 1);
});

test("initial totals continue after a restart; inView starts at 0", () => {
  const counter = createPeopleCounter({ line, initial: { inView: 3, entered: 10, exited: 9, crossedIn: 4, crossedOut: 5 } });
  const results = feed(counter, [
    frame(0, []),
    frame(100, [person(1, 0.5, 0.8)], [1]),
    frame(200, [person(1, 0.5, 0.3)]),
    frame(300, [], [], [person(1, 0.5, 0.3)]),
  ]);
  assert.equal(results[0]!.totals.inView, 0);
  assert.deepEqual(results.at(-1)!.totals, { inView: 0, entered: 11, exited: 10, crossedIn: 5, crossedOut: 5 });
});

test("setPlaces applies from the next update and forgets what was learned against the old line", () => {
  const counter = createPeopleCounter({ line });
  const before = feed(counter, [frame(0, [person(1, 0.3, 0.8)]), frame(100, [person(1, 0.3, 0.3)])]);
  assert.deepEqual(kinds(before), ["cross_in:1@100"]);
  counter.setPlaces(placesOfLine({ ax: 0.5, ay: 0, bx: 0.5, by: 1, inSideLeft: true })); // vertical, drawn downwards: in = right half
  const back = counter.update(frame(200, [person(1, 0.3, 0.8)])); // would be cross_out on the old line
  const right = counter.update(frame(300, [person(1, 0.7, 0.8)])); // cross_in on the new one, although 1 already crossed in
  assert.deepEqual(back.events, []);
  assert.deepEqual(kinds([right]), ["cross_in:1@300"]);
  assert.equal(right.totals.crossedIn, 2);
  counter.setPlaces(placesOfLine(null));
  assert.deepEqual(counter.update(frame(400, [person(1, 0.3, 0.8)])).events, []);
});

test("re-sending the same line keeps per-track memory, so back-and-forth is still counted once per direction", () => {
  const counter = createPeopleCounter({ line, everyCrossing: false });
  const ys = [0.8, 0.3, 0.8, 0.3, 0.8];
  const results = ys.map((y, i) => {
    counter.setPlaces(placesOfLine({ ...line }));
    return counter.update(frame(i * 100, [person(1, 0.5, y)]));
  });
  assert.equal(results.at(-1)!.totals.crossedIn, 1);
  assert.equal(results.at(-1)!.totals.crossedOut, 1);
});

test("the anchor is the bottom-centre by default and configurable", () => {
  // Feet cross y = 0.5 (0.6 -> 0.45) but the box centre stays above it (0.45 -> 0.3).
  const updates = [frame(0, [person(1, 0.5, 0.6)]), frame(100, [person(1, 0.5, 0.45)])];
  const tight = { line, deadBand: 0.01 };
  assert.equal(feed(createPeopleCounter(tight), updates).at(-1)!.totals.crossedIn, 1);
  assert.equal(feed(createPeopleCounter({ ...tight, anchor: { x: 0.5, y: 0.5 } }), updates).at(-1)!.totals.crossedIn, 0);
});

test("passing beyond the end of the segment is not a crossing", () => {
  const short: Line = { ...line, bx: 0.5 };
  const updates = [frame(0, [person(1, 0.7, 0.8)]), frame(100, [person(1, 0.7, 0.2)]), frame(200, [person(1, 0.2, 0.8)])];
  assert.deepEqual(kinds(feed(createPeopleCounter({ line: short }), updates)), ["cross_out:1@200"]);
});

test("invalid config is rejected", () => {
  assert.throws(() => createPeopleCounter({ deadBand: -0.1 }), RangeError);
  assert.throws(() => createPeopleCounter({ inViewWindow: 0 }), RangeError);
});

test("close() exits every entered track still there, once, at the given time; tentative tracks never exit", () => {
  const counter = createPeopleCounter({ line });
  feed(counter, [
    frame(0, [person(1, 0.3, 0.8), person(2, 0.6, 0.8, { confirmed: false })], [1]),
    frame(100, [person(1, 0.3, 0.8), person(2, 0.6, 0.4, { confirmed: false }), person(3, 0.8, 0.8)], [3]),
    frame(200, [person(1, 0.3, 0.8, { misses: 1 }), person(2, 0.6, 0.4, { confirmed: false })], [], [person(3, 0.8, 0.8)]),
  ]);
  const closed = counter.close(250);
  assert.deepEqual(
    closed.events.map((e) => `${e.kind}:${e.trackId}@${e.timeMs}:${e.reason ?? ""}`),
    ["exit:1@250:capture_stopped"], // 3 exited already; 1, missed for a frame, is still there; 2 never entered
  );
  assert.deepEqual(closed.totals, { inView: 0, entered: 2, exited: 2, crossedIn: 0, crossedOut: 0 });
  assert.deepEqual(counter.close(300).events, [], "a second close counts nothing");
});
