import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AckStats, LATENCY_SAMPLES, percentile } from "./ack-stats.ts";

describe("percentile", () => {
  it("uses nearest rank, so the answer is an observed value", () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([40, 10, 30, 20], 50), 20);
    assert.equal(percentile([40, 10, 30, 20], 95), 40);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(hundred, 50), 50);
    assert.equal(percentile(hundred, 95), 95);
  });
});

describe("AckStats", () => {
  it("counts every kind of outcome separately", () => {
    const stats = new AckStats();
    stats.recordSent(0);
    stats.recordSent(100);
    stats.recordSent(200);
    stats.recordDroppedClient();
    stats.recordOversize();
    stats.recordUploadError();
    stats.recordAck(300, "processed", 120);
    stats.recordAck(310, "dropped_stale", 90);
    stats.recordAck(320, "rejected", 80);
    const snap = stats.snapshot(400);
    assert.equal(snap.sent, 3);
    assert.equal(snap.acked, 3);
    assert.equal(snap.processed, 1);
    assert.equal(snap.droppedStale, 1);
    assert.equal(snap.rejected, 1);
    assert.equal(snap.droppedClient, 1);
    assert.equal(snap.oversize, 1);
    assert.equal(snap.uploadErrors, 1);
    // Only processed frames count towards latency.
    assert.equal(snap.latencyP50, 120);
  });

  it("computes rates over the last 5 s", () => {
    const stats = new AckStats();
    for (let t = 0; t < 10_000; t += 100) stats.recordSent(t); // 10 per second for 10 s
    for (let t = 0; t < 10_000; t += 200) stats.recordAck(t, "processed", 50); // 5 per second
    const snap = stats.snapshot(9_999);
    assert.equal(snap.sentFps, 10);
    assert.equal(snap.ackedFps, 5);
    assert.equal(stats.snapshot(30_000).sentFps, 0);
  });

  it("does not understate the rate in the first seconds", () => {
    const stats = new AckStats();
    for (let t = 1_000; t < 3_000; t += 100) stats.recordSent(t); // 10 per second for 2 s
    assert.equal(stats.snapshot(3_000).sentFps, 10);
  });

  it("keeps only the last 100 processed latencies", () => {
    const stats = new AckStats();
    for (let i = 0; i < LATENCY_SAMPLES; i++) stats.recordAck(i, "processed", 1_000);
    for (let i = 0; i < LATENCY_SAMPLES; i++) stats.recordAck(1_000 + i, "processed", 10);
    const snap = stats.snapshot(2_000);
    assert.equal(snap.latencyP50, 10);
    assert.equal(snap.latencyP95, 10);
  });
});
