import assert from "node:assert/strict";
import { test } from "node:test";
import { DomainError } from "../rpc/errors.ts";
import { CaptureSession, type PendingFrame } from "./capture-session.ts";

const session = () => new CaptureSession("s1", "door", 0, 16, { maxFps: 30, maxBytesPerSecond: 1e6 });
const frame = (seq: number): PendingFrame => ({ seq, capturedAtMs: 0, receivedAtMs: 0, receivedAtPerf: 0, jpeg: new Uint8Array(1), sentWidth: 1, sentHeight: 1 });

/** Whether the promise has settled after the microtasks queued so far. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

test("whenIdle resolves at once for a session with nothing in the pipeline or waiting", async () => {
  assert.equal(await settled(session().whenIdle()), true);
});

test("whenIdle waits for the frame in the pipeline and the one waiting behind it", async () => {
  const s = session();
  s.busy = true;
  s.pending = frame(2);
  const idle = s.whenIdle();
  assert.equal(await settled(idle), false);
  s.busy = false; // the pipeline finished frame 1 ...
  assert.equal(await settled(idle), false, "frame 2 still waits");
  s.pending = null; // ... and took frame 2
  s.busy = true;
  assert.equal(await settled(idle), false, "frame 2 is in the pipeline");
  s.busy = false;
  assert.equal(await settled(idle), true);
});

test("closing the session wakes whoever waits for it to be idle", async () => {
  const s = session();
  s.busy = true;
  const idle = s.whenIdle();
  s.close(new DomainError("CANCELLED", "the stream ended"));
  assert.equal(await settled(idle), true);
  assert.equal(await settled(s.whenIdle()), true);
});
