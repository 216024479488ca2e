import assert from "node:assert/strict";
import { test } from "node:test";
import { SentFrames } from "./sent-frames.ts";

test("an ack takes its frame's sent size once; unknown seqs have none", () => {
  const sent = new SentFrames();
  sent.sent(1, 640, 480);
  sent.sent(2, 320, 240);
  assert.equal(sent.outstanding, 2);
  assert.deepEqual(sent.acked(2), { width: 320, height: 240 });
  assert.equal(sent.acked(2), undefined, "a replayed ack");
  assert.equal(sent.acked(7), undefined, "a frame sent before a reload");
  assert.equal(sent.outstanding, 1);
});

test("frames whose acks never come are forgotten, oldest first, beyond the limit", () => {
  const sent = new SentFrames(3);
  for (let seq = 1; seq <= 5; seq++) sent.sent(seq, seq, seq);
  assert.equal(sent.outstanding, 3);
  assert.equal(sent.acked(2), undefined);
  assert.deepEqual(sent.acked(3), { width: 3, height: 3 });
});

test("settled() waits for the last ack, and no longer than its timeout or an abort", async () => {
  const sent = new SentFrames();
  const never = new AbortController();
  sent.sent(1, 1, 1);
  setTimeout(() => sent.acked(1), 30);
  const start = Date.now();
  await sent.settled(5_000, never.signal, 5);
  assert.ok(Date.now() - start < 1_000, "resolved when the ack came");
  assert.equal(sent.outstanding, 0);

  sent.sent(2, 1, 1);
  const timedOut = Date.now();
  await sent.settled(60, never.signal, 5);
  assert.ok(Date.now() - timedOut >= 55, "waited for the timeout");
  const aborted = new AbortController();
  setTimeout(() => aborted.abort(), 20);
  const abortStart = Date.now();
  await sent.settled(5_000, aborted.signal, 5);
  assert.ok(Date.now() - abortStart < 1_000, "an abort ends the wait");
});
