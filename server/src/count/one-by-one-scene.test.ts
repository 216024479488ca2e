/**
 * A scripted stand-in for the one-by-one footage (see
 * ../shared/footage/one-by-one.ground-truth.json): six people, one at a time,
 * enter at the bottom edge, stand at a table, and leave at the right edge,
 * at 10 fps with box noise, 5% missed detections and a low-score shadow
 * lingering at the bottom right after each exit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Detection } from "../detect/detector.ts";
import type { WalkerScript } from "../track/walk-script.fixture.ts";
import { createPeopleCounter } from "./people-counter.ts";
import { seededRandom } from "../../../test/support/seeded-random.ts";
import { runScene } from "../track/walk-script.fixture.ts";

/** enter_s / exit_s of the six people in the ground truth. */
const people = [
  [6.0, 19.9], [22.7, 44.9], [50.3, 70.1], [74.5, 86.9], [92.3, 119.9], [123.5, 135.9],
] as const;

const visitor = (enterS: number, exitS: number, index: number): WalkerScript => {
  const enter = enterS * 1000;
  const exit = exitS * 1000;
  return {
    width: 0.15,
    height: 0.5,
    // Feet start below the frame (only the head shows), reach the table, then walk out to the right.
    path: [
      { t: enter, x: 0.45, y: 1.45 },
      { t: enter + 2500, x: 0.45, y: 0.75 },
      { t: exit - 2000, x: 0.5, y: 0.75 },
      { t: exit, x: 1.15, y: 0.72 },
    ],
    noise: { seed: index + 1, amplitude: 0.01 },
    hidden: (frame) => seededRandom(frame * 31 + index)() < 0.05,
  };
};

const shadow = (frame: number, timeMs: number): Detection[] => {
  const justLeft = people.some(([, exitS]) => timeMs > exitS * 1000 && timeMs <= exitS * 1000 + 300);
  return justLeft ? [{ x: 0.85, y: 0.7, width: 0.13, height: 0.3, score: 0.35 + (frame % 3) * 0.02 }] : [];
};

test("six people entering at the bottom one by one and leaving right: 6 entries, 6 exits, never 2 in view", () => {
  const bottomLine = { ax: 0, ay: 0.9, bx: 1, by: 0.9, inSideLeft: true }; // walking up the picture is "in"
  const scene = runScene({
    fps: 10,
    endMs: 139_300,
    walkers: people.map(([e, x], i) => visitor(e, x, i)),
    extra: shadow,
    counter: createPeopleCounter({ line: bottomLine }),
  });
  assert.deepEqual(scene.totals, { inView: 0, entered: 6, exited: 6, crossedIn: 6, crossedOut: 0 });
  assert.equal(Math.max(...scene.results.map((r) => r.totals.inView)), 1);

  const entries = scene.events.filter((e) => e.kind === "entry");
  const exits = scene.events.filter((e) => e.kind === "exit");
  people.forEach(([enterS, exitS], i) => {
    const entryS = entries[i]!.timeMs / 1000;
    const exitEventS = exits[i]!.timeMs / 1000;
    assert.ok(entryS >= enterS && entryS <= enterS + 1, `person ${i + 1} entered at ${entryS} s`);
    // Lost for good about maxAgeMs (1 s) after the last detection.
    assert.ok(exitEventS >= exitS && exitEventS <= exitS + 1.5, `person ${i + 1} exited at ${exitEventS} s`);
    assert.equal(entries[i]!.trackId, exits[i]!.trackId);
  });
});
