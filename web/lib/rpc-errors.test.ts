import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { decodeGrpcMessage, describeFailure, isTakeover, isTransient, toCallFailure } from "./rpc-errors.ts";

describe("decodeGrpcMessage", () => {
  it("decodes percent-encoding and leaves malformed escapes as they are", () => {
    assert.equal(decodeGrpcMessage("frame%20too%20big%3A%203%20MB"), "frame too big: 3 MB");
    assert.equal(decodeGrpcMessage("100%"), "100%");
  });
});

describe("toCallFailure", () => {
  it("reads the code and decodes the message of an RpcError", () => {
    const failure = toCallFailure(new RpcError("unknown%20session", "NOT_FOUND"));
    assert.deepEqual(failure, { code: "NOT_FOUND", message: "unknown session", network: false });
  });

  it("marks a failed fetch (reported as INTERNAL) and UNAVAILABLE as network failures", () => {
    assert.equal(toCallFailure(new RpcError("Failed to fetch", "INTERNAL")).network, true);
    assert.equal(toCallFailure(new RpcError("NetworkError when attempting to fetch resource.", "INTERNAL")).network, true);
    assert.equal(toCallFailure(new RpcError("upstream connect error", "UNAVAILABLE")).network, true);
    assert.equal(toCallFailure(new RpcError("boom", "INTERNAL")).network, false);
  });

  it("copes with values that are not errors", () => {
    assert.deepEqual(toCallFailure("nope"), { code: "UNKNOWN", message: "nope", network: false });
  });
});

describe("isTransient / describeFailure", () => {
  it("retries network trouble but not refusals", () => {
    assert.equal(isTransient(toCallFailure(new RpcError("Failed to fetch", "INTERNAL"))), true);
    assert.equal(isTransient(toCallFailure(new RpcError("slow", "DEADLINE_EXCEEDED"))), true);
    assert.equal(isTransient(toCallFailure(new RpcError("bad jpeg", "INVALID_ARGUMENT"))), false);
    assert.equal(isTransient(toCallFailure(new RpcError("too fast", "RESOURCE_EXHAUSTED"))), false);
  });

  it("a takeover (ABORTED) is final, not something to retry", () => {
    const takenOver = toCallFailure(new RpcError("camera%20door%20is%20now%20capturing%20from%20another%20session", "ABORTED"));
    assert.equal(isTakeover(takenOver), true);
    assert.equal(isTransient(takenOver), false);
    assert.equal(isTakeover(toCallFailure(new RpcError("unknown session", "NOT_FOUND"))), false);
  });

  it("names the code and the message", () => {
    assert.equal(describeFailure(toCallFailure(new RpcError("bad%20jpeg", "INVALID_ARGUMENT"))), "INVALID_ARGUMENT: bad jpeg");
    assert.equal(describeFailure(toCallFailure(new RpcError("NOT_FOUND", "NOT_FOUND"))), "NOT_FOUND");
  });
});
