import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { SESSION_HEADER, callOptions, withDeadline } from "./transport.ts";

/** A call that settles only when its signal aborts, the way fetch does. */
function hangingCall(signal: AbortSignal): Promise<string> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new RpcError("aborted", "CANCELLED"))));
}

describe("callOptions", () => {
  it("carries the session id header only when there is a session", () => {
    assert.deepEqual(callOptions("s1").meta, { [SESSION_HEADER]: "s1" });
    assert.equal(callOptions(null).meta, undefined);
    assert.deepEqual(callOptions("s1", undefined, "tok").meta, { [SESSION_HEADER]: "s1", authorization: "Bearer tok" });
    assert.deepEqual(callOptions(null, undefined, "tok").meta, { authorization: "Bearer tok" });
    assert.equal(callOptions(null, undefined, null).meta, undefined);
    const abort = new AbortController();
    assert.equal(callOptions("s1", abort.signal).abort, abort.signal);
  });
});

describe("withDeadline", () => {
  it("passes results and errors of calls that finish in time", async () => {
    assert.equal(await withDeadline(1_000, undefined, async () => "ok"), "ok");
    await assert.rejects(
      withDeadline(1_000, undefined, async () => {
        throw new RpcError("bad", "INVALID_ARGUMENT");
      }),
      { code: "INVALID_ARGUMENT" },
    );
  });

  it("aborts a hanging call and reports DEADLINE_EXCEEDED", async () => {
    await assert.rejects(withDeadline(5, undefined, hangingCall), { code: "DEADLINE_EXCEEDED", message: "no answer within 0 s" });
  });

  it("aborts when the outer signal does, reporting the call's own error", async () => {
    const outer = new AbortController();
    const pending = withDeadline(60_000, outer.signal, hangingCall);
    outer.abort();
    await assert.rejects(pending, { code: "CANCELLED" });
  });
});
