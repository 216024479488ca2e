import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatAgo, formatRate, secondsUntil } from "./format.ts";

describe("format", () => {
  it("formats ages", () => {
    assert.equal(formatAgo(null), "never");
    assert.equal(formatAgo(-500), "0 s ago");
    assert.equal(formatAgo(4_400), "4 s ago");
    assert.equal(formatAgo(5 * 60_000), "5 min ago");
    assert.equal(formatAgo(3 * 3_600_000), "3 h ago");
    assert.equal(formatAgo(72 * 3_600_000), "3 d ago");
  });

  it("counts down whole seconds and formats rates with one decimal", () => {
    assert.equal(secondsUntil(10_500, 10_000), 1);
    assert.equal(secondsUntil(9_000, 10_000), 0);
    assert.equal(secondsUntil(null, 10_000), 0);
    assert.equal(formatRate(9.96), "10.0");
    assert.equal(formatRate(0), "0.0");
  });
});
