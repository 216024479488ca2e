import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReconnectBackoff, sleep } from "./reconnect-backoff.ts";

describe("ReconnectBackoff", () => {
  it("doubles from 0.5 s up to 10 s without jitter at the midpoint", () => {
    const backoff = new ReconnectBackoff({ random: () => 0.5 });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    assert.equal(backoff.attempt, 8);
  });

  it("jitters by up to ±20 % but never leaves [0.5 s, 10 s]", () => {
    const low = new ReconnectBackoff({ random: () => 0 });
    const high = new ReconnectBackoff({ random: () => 0.999999 });
    assert.deepEqual([low.next(), low.next(), low.next()], [500, 800, 1600]);
    assert.deepEqual([high.next(), high.next(), high.next()], [600, 1200, 2400]);
    for (let i = 0; i < 10; i++) {
      assert.ok(low.next() >= 500);
      assert.ok(high.next() <= 10_000);
    }
  });

  it("starts over after reset", () => {
    const backoff = new ReconnectBackoff({ random: () => 0.5 });
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 500);
  });

  it("rejects nonsensical options", () => {
    assert.throws(() => new ReconnectBackoff({ minMs: 0 }), RangeError);
    assert.throws(() => new ReconnectBackoff({ minMs: 100, maxMs: 50 }), RangeError);
  });
});

describe("sleep", () => {
  it("ends early when aborted", async () => {
    const abort = new AbortController();
    const done = sleep(60_000, abort.signal);
    abort.abort();
    await done;
  });

  it("resolves at once for an already aborted signal", async () => {
    await sleep(60_000, AbortSignal.abort());
  });
});
