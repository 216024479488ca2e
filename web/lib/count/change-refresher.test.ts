import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Camera } from "@headcount/proto/count";
import { ChangeRefresher, historyKey, selectionKey } from "./change-refresher.ts";
import type { RefreshTimers } from "./change-refresher.ts";

/** A fake clock: timers fire only when the test advances time. */
class FakeTimers implements RefreshTimers {
  nowMs = 0;
  #next = 1;
  readonly #due = new Map<number, { at: number; run: () => void }>();
  now = (): number => this.nowMs;
  setTimeout = (run: () => void, ms: number): unknown => {
    const id = this.#next++;
    this.#due.set(id, { at: this.nowMs + ms, run });
    return id;
  };
  clearTimeout = (handle: unknown): void => void this.#due.delete(handle as number);
  advance(ms: number): void {
    this.nowMs += ms;
    for (const [id, timer] of [...this.#due]) {
      if (timer.at <= this.nowMs) {
        this.#due.delete(id);
        timer.run();
      }
    }
  }
  get pending(): number {
    return this.#due.size;
  }
}

function setup() {
  const timers = new FakeTimers();
  const runs: Array<[string, number]> = [];
  const refresher = new ChangeRefresher((id) => runs.push([id, timers.nowMs]), 5_000, timers);
  return { timers, runs, refresher };
}

describe("ChangeRefresher", () => {
  it("runs at once for a new id, ignores an unchanged key, and throttles changes to one trailing run", () => {
    const { timers, runs, refresher } = setup();
    refresher.observe("hall", "a");
    refresher.observe("hall", "a");
    timers.advance(1_000);
    refresher.observe("hall", "b");
    timers.advance(1_000);
    refresher.observe("hall", "c");
    assert.deepEqual(runs, [["hall", 0]]);
    timers.advance(3_000);
    assert.deepEqual(runs, [["hall", 0], ["hall", 5_000]]);
    assert.equal(timers.pending, 0);
  });

  it("runs a change at once when the last run is old enough, per id", () => {
    const { timers, runs, refresher } = setup();
    refresher.observe("hall", "a");
    refresher.observe("door", "a");
    timers.advance(6_000);
    refresher.observe("door", "b");
    assert.deepEqual(runs, [["hall", 0], ["door", 0], ["door", 6_000]]);
  });

  it("trigger runs now and cancels the pending run; stop cancels everything", () => {
    const { timers, runs, refresher } = setup();
    refresher.observe("hall", "a");
    timers.advance(1_000);
    refresher.observe("hall", "b");
    refresher.trigger("hall");
    timers.advance(10_000);
    assert.deepEqual(runs, [["hall", 0], ["hall", 1_000]]);
    refresher.observe("hall", "c");
    refresher.stop();
    refresher.observe("door", "x");
    timers.advance(10_000);
    assert.deepEqual(runs.slice(2), [["hall", 11_000], ["door", 11_000]]);
  });
});

describe("historyKey and selectionKey", () => {
  const camera = (cameraId: string, entered: number, inView: number, resetAtMs = 0): Camera => ({
    cameraId,
    name: cameraId,
    online: true,
    ackedFps: 10,
    latencyMs: 20,
    lastSeenAtMs: 1,
    resetAtMs,
    lines: [],
    zones: [],
    lineCounts: [],
    zoneCounts: [],
    counts: { inView, entered, exited: 0, crossedIn: 0, crossedOut: 0 },
  });

  it("changes with totals and resets, not with people in view", () => {
    assert.equal(historyKey(camera("hall", 1, 0)), historyKey(camera("hall", 1, 3)));
    assert.notEqual(historyKey(camera("hall", 1, 0)), historyKey(camera("hall", 2, 0)));
    assert.notEqual(historyKey(camera("hall", 1, 0)), historyKey(camera("hall", 1, 0, 99)));
  });

  it("covers one camera or all of them", () => {
    const cameras = [camera("hall", 1, 0), camera("door", 4, 0)];
    assert.equal(selectionKey(cameras, "door"), historyKey(camera("door", 4, 0)));
    assert.equal(selectionKey(cameras, "gone"), "");
    assert.notEqual(selectionKey(cameras, ""), selectionKey([camera("hall", 1, 0), camera("door", 5, 0)], ""));
  });
});
