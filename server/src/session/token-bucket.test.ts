import assert from "node:assert/strict";
import { test } from "node:test";
import { TokenBucket } from "./token-bucket.ts";

test("a full bucket allows a burst, then the rate", () => {
  const b = new TokenBucket(10, 10);
  for (let i = 0; i < 10; i++) assert.ok(b.take(1, 0), `burst ${i}`);
  assert.equal(b.take(1, 0), false, "empty");
  assert.equal(b.take(1, 50), false, "half a token after 50 ms at 10/s");
  assert.ok(b.take(1, 100), "one token after 100 ms");
  assert.equal(b.take(1, 100), false);
});

test("it never holds more than the burst, and a refused take takes nothing", () => {
  const b = new TokenBucket(100, 5);
  assert.ok(b.take(5, 0));
  assert.equal(b.take(6, 60_000), false, "at most 5 held even after a minute");
  assert.ok(b.take(5, 60_000), "the refused take left the tokens");
});

test("a clock going backwards neither adds tokens nor breaks the bucket", () => {
  const b = new TokenBucket(1, 1);
  assert.ok(b.take(1, 10_000));
  assert.equal(b.take(1, 5_000), false);
  assert.ok(b.take(1, 11_000));
});

test("rejects a zero rate or burst", () => {
  assert.throws(() => new TokenBucket(0, 1), RangeError);
  assert.throws(() => new TokenBucket(1, 0), RangeError);
});
