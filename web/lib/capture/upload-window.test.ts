import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { UploadWindow, windowSize } from "./upload-window.ts";

describe("windowSize", () => {
  it("is min(2, the server's max_in_flight), 2 when the server sends 0", () => {
    assert.equal(windowSize(0), 2);
    assert.equal(windowSize(undefined), 2);
    assert.equal(windowSize(1), 1);
    assert.equal(windowSize(2), 2);
    assert.equal(windowSize(8), 2);
  });
});

describe("UploadWindow", () => {
  it("hands out at most `limit` slots and says no (without queueing) when full", () => {
    const window = new UploadWindow(2);
    assert.equal(window.tryAcquire(), true);
    assert.equal(window.tryAcquire(), true);
    assert.equal(window.full, true);
    assert.equal(window.tryAcquire(), false);
    assert.equal(window.inFlight, 2);
    window.release();
    assert.equal(window.tryAcquire(), true);
    assert.equal(window.inFlight, 2);
  });

  it("keeps taken slots when shrunk and refuses until enough are released", () => {
    const window = new UploadWindow(2);
    window.tryAcquire();
    window.tryAcquire();
    window.setLimit(1);
    window.release();
    assert.equal(window.tryAcquire(), false);
    window.release();
    assert.equal(window.tryAcquire(), true);
  });

  it("refuses a release without an acquire", () => {
    assert.throws(() => new UploadWindow(1).release(), /without a matching/);
  });
});
