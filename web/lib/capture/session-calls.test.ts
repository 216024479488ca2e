import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { proposeSessionId } from "./session-calls.ts";

describe("proposeSessionId", () => {
  it("encodes 18 random bytes as 24 base64url characters", () => {
    assert.equal(proposeSessionId(() => new Uint8Array(18).fill(255)), "________________________");
    assert.equal(proposeSessionId(() => new Uint8Array(18).fill(0xfb)), "-_v7-_v7-_v7-_v7-_v7-_v7");
    assert.notEqual(proposeSessionId(), proposeSessionId());
  });
});
